import {
  BatchGetDeploymentsCommand,
  type CodeDeployClient,
  type DeploymentInfo,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { declaredVersions } from './deployment.js';
import { outcomeOf, type ReleaseOutcome } from './outcome.js';
import type { ReleaseStack } from './stack.js';
import { type ReleaseStrategy, trafficPlan } from './strategy.js';

/** One past (or running) release of the alias, for `status` and for choosing where to roll back to. */
export interface ReleaseRecord {
  deploymentId: string;
  from?: string | undefined;
  to?: string | undefined;
  strategy?: ReleaseStrategy | undefined;
  config?: string | undefined;
  outcome: ReleaseOutcome;
  status: string;
  createdAt?: string | undefined;
  completedAt?: string | undefined;
  /** user, codeDeployRollback (CodeDeploy's own rollback), CloudFormation… */
  creator?: string | undefined;
  /** For CodeDeploy's own rollback: the deployment it undid (rollbackInfo.rollbackTriggeringDeploymentId). */
  rollbackOf?: string | undefined;
}

/** How many deployment ids to look at: the newest releases are among the first pages. */
const SCAN_LIMIT = 100;

/**
 * The last `limit` releases of the stack's deployment group, newest first. Calls: ListDeployments per
 * 100 ids, BatchGetDeployments per 25, and two more per release whose versions the AppSpec does not say.
 */
export async function listReleases(
  codedeploy: CodeDeployClient,
  stack: Pick<ReleaseStack, 'application' | 'deploymentGroup'>,
  limit = 10,
): Promise<ReleaseRecord[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await codedeploy.send(
      new ListDeploymentsCommand({
        applicationName: stack.application,
        deploymentGroupName: stack.deploymentGroup,
        nextToken,
      }),
    );
    ids.push(...(page.deployments ?? []));
    nextToken = page.nextToken;
  } while (nextToken && ids.length < SCAN_LIMIT);

  const infos: DeploymentInfo[] = [];
  for (let i = 0; i < ids.length; i += 25) {
    const { deploymentsInfo } = await codedeploy.send(
      new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + 25) }),
    );
    infos.push(...(deploymentsInfo ?? []));
  }
  infos.sort((a, b) => time(b.createTime) - time(a.createTime));
  const byId = new Map(infos.map((info) => [info.deploymentId, info]));
  const records = await Promise.all(infos.slice(0, limit).map((info) => toRecord(codedeploy, info)));
  // CodeDeploy rolls back by redeploying what was there before, as a new deployment (creator
  // codeDeployRollback) whose revision is not the AppSpec of this move: its versions are those of the
  // deployment it undid, the other way round (rollbackInfo.rollbackTriggeringDeploymentId).
  return Promise.all(
    records.map(async (record, i) => {
      const undid = infos[i]?.rollbackInfo?.rollbackTriggeringDeploymentId;
      if (infos[i]?.creator !== 'codeDeployRollback' || !undid) return record;
      const original = byId.get(undid) ?? (await getOne(codedeploy, undid));
      const undone = original ? await versionsOf(codedeploy, original) : undefined;
      const versions = undone
        ? { from: undone.to, to: undone.from }
        : await versionsFromTarget(codedeploy, infos[i]?.deploymentId ?? '');
      return { ...record, from: versions?.from, to: versions?.to, rollbackOf: undid };
    }),
  );
}

async function getOne(
  codedeploy: CodeDeployClient,
  deploymentId: string,
): Promise<DeploymentInfo | undefined> {
  const { deploymentsInfo } = await codedeploy.send(
    new BatchGetDeploymentsCommand({ deploymentIds: [deploymentId] }),
  );
  return deploymentsInfo?.[0];
}

function time(date: Date | undefined): number {
  return date ? new Date(date).getTime() : 0;
}

/** From and to of a deployment: its AppSpec, our own description of it, or its deployment target. */
async function versionsOf(
  codedeploy: CodeDeployClient,
  info: DeploymentInfo,
): Promise<{ from?: string | undefined; to?: string | undefined } | undefined> {
  const versions = declaredVersions(info);
  if (versions?.to || !info.deploymentId) return versions;
  return versionsFromTarget(codedeploy, info.deploymentId);
}

async function toRecord(codedeploy: CodeDeployClient, info: DeploymentInfo): Promise<ReleaseRecord> {
  const config = info.deploymentConfigName?.replace(/^CodeDeployDefault\./, '');
  const versions = info.creator === 'codeDeployRollback' ? undefined : await versionsOf(codedeploy, info);
  return {
    deploymentId: info.deploymentId ?? '?',
    from: versions?.from,
    to: versions?.to,
    strategy: trafficPlan(config)?.strategy,
    config,
    outcome: outcomeOf(info.status, info.errorInformation?.code),
    status: info.status ?? 'Unknown',
    createdAt: info.createTime ? new Date(info.createTime).toISOString() : undefined,
    completedAt: info.completeTime ? new Date(info.completeTime).toISOString() : undefined,
    creator: info.creator,
  };
}

/** CodeDeploy's own rollback deployments carry no AppSpec we wrote: their target knows the versions. */
async function versionsFromTarget(
  codedeploy: CodeDeployClient,
  deploymentId: string,
): Promise<{ from?: string | undefined; to?: string | undefined } | undefined> {
  try {
    const { targetIds } = await codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId }));
    if (!targetIds?.[0]) return undefined;
    const { deploymentTarget } = await codedeploy.send(
      new GetDeploymentTargetCommand({ deploymentId, targetId: targetIds[0] }),
    );
    const fn = deploymentTarget?.lambdaTarget?.lambdaFunctionInfo;
    return { from: fn?.currentVersion, to: fn?.targetVersion };
  } catch {
    return undefined;
  }
}
