import { createHash } from 'node:crypto';
import {
  type CodeDeployClient,
  CreateDeploymentCommand,
  type DeploymentInfo,
  type DeploymentStatus,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import type { ReleaseStack } from './stack.js';
import type { ReleaseTarget } from './target.js';

/** Statuses of a deployment that has not ended: only one may exist per deployment group. */
export const IN_FLIGHT_STATUSES: DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Ready', 'Baking'];

export function isInFlight(status: string | undefined): boolean {
  return IN_FLIGHT_STATUSES.includes(status as DeploymentStatus);
}

/**
 * The AppSpec that moves the alias from the version it serves to the target (CodeDeploy Lambda AppSpec). With
 * the stack's smoke hook, CodeDeploy runs it before any traffic moves and again once all of it has ("AppSpec
 * 'hooks' section", Lambda: `Hooks: [{BeforeAllowTraffic: name}, {AfterAllowTraffic: name}]`); a hook that
 * reports Failed fails the deployment, and the group rolls it back.
 */
export function appSpec(stack: ReleaseStack, target: ReleaseTarget): string {
  const hook = stack.smokeHook?.functionName;
  return JSON.stringify({
    version: 0.0,
    Resources: [
      {
        [stack.functionName]: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Name: stack.functionName,
            Alias: stack.aliasName,
            CurrentVersion: target.from,
            TargetVersion: target.to,
          },
        },
      },
    ],
    ...(hook ? { Hooks: [{ BeforeAllowTraffic: hook }, { AfterAllowTraffic: hook }] } : {}),
  });
}

/**
 * From and to of a deployment as its own record says: the AppSpec when GetDeployment carries it (AWS documents
 * the content as always null there), else the description our deployments carry ("version 3 -> 4").
 */
export function declaredVersions(info: {
  revision?: { appSpecContent?: { content?: string | undefined } | undefined } | undefined;
  description?: string | undefined;
}): Partial<ReleaseTarget> | undefined {
  const spec = parseAppSpec(info.revision?.appSpecContent?.content);
  if (spec?.to) return spec;
  const match = /version (\S+) -> (\S+)/.exec(info.description ?? '');
  return match ? { from: match[1], to: match[2] } : spec;
}

/** Reads from/to back out of an AppSpec (ours or anyone's); undefined when it is not a Lambda AppSpec. */
export function parseAppSpec(content: string | undefined): Partial<ReleaseTarget> | undefined {
  if (!content) return undefined;
  try {
    const spec = JSON.parse(content) as {
      Resources?: Array<
        Record<string, { Properties?: { CurrentVersion?: unknown; TargetVersion?: unknown } }>
      >;
    };
    const props = Object.values(spec.Resources?.[0] ?? {})[0]?.Properties;
    if (!props) return undefined;
    return { from: stringOrUndefined(props.CurrentVersion), to: stringOrUndefined(props.TargetVersion) };
  } catch {
    return undefined;
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

export async function createReleaseDeployment(
  codedeploy: CodeDeployClient,
  stack: ReleaseStack,
  target: ReleaseTarget,
  config: string,
  purpose: 'shift' | 'rollback',
): Promise<string> {
  const content = appSpec(stack, target);
  const { deploymentId } = await codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: stack.application,
      deploymentGroupName: stack.deploymentGroup,
      deploymentConfigName: `CodeDeployDefault.${config}`,
      description: `serverless-infra ${purpose}: version ${target.from} -> ${target.to}`,
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
      },
    }),
  );
  if (!deploymentId) throw new Error('CodeDeploy CreateDeployment returned no deployment id');
  return deploymentId;
}

/** The deployment of the group that has not ended yet, if any. */
export async function findInFlight(
  codedeploy: CodeDeployClient,
  stack: ReleaseStack,
): Promise<string | undefined> {
  const { deployments } = await codedeploy.send(
    new ListDeploymentsCommand({
      applicationName: stack.application,
      deploymentGroupName: stack.deploymentGroup,
      includeOnlyStatuses: IN_FLIGHT_STATUSES,
    }),
  );
  return deployments?.[0];
}

export async function getDeployment(
  codedeploy: CodeDeployClient,
  deploymentId: string,
): Promise<DeploymentInfo> {
  const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId }));
  if (!deploymentInfo) throw new Error(`CodeDeploy GetDeployment returned nothing for ${deploymentId}`);
  return deploymentInfo;
}

/** Stops a deployment and asks CodeDeploy to route the traffic back (a rollback deployment follows). */
export async function stopWithRollback(codedeploy: CodeDeployClient, deploymentId: string): Promise<void> {
  await codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
}

export interface GroupSettings {
  /** The CloudWatch alarms the group watches (they stop the shift and roll it back). */
  alarmNames: string[];
  /** CodeDeploy rolls back by itself when a deployment fails or is stopped. */
  autoRollback: boolean;
}

export async function groupSettings(
  codedeploy: CodeDeployClient,
  stack: ReleaseStack,
): Promise<GroupSettings> {
  const { deploymentGroupInfo: group } = await codedeploy.send(
    new GetDeploymentGroupCommand({
      applicationName: stack.application,
      deploymentGroupName: stack.deploymentGroup,
    }),
  );
  const alarms = group?.alarmConfiguration;
  return {
    alarmNames:
      alarms?.enabled === false ? [] : (alarms?.alarms ?? []).map((a) => a.name ?? '').filter(Boolean),
    autoRollback: group?.autoRollbackConfiguration?.enabled ?? false,
  };
}

export function consoleLink(region: string, deploymentId: string): string {
  return `https://${region}.console.aws.amazon.com/codesuite/codedeploy/deployments/${deploymentId}?region=${region}`;
}
