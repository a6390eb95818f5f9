import { explainAwsError } from '../aws/aws-errors.js';
import type { AwsClients } from '../aws/clients.js';
import type { DeployUi } from './interaction.js';
import { formatOutputs, type SubscriptionState, subscriptionState } from './outputs.js';
import { followOperation } from './stack-operation.js';
import { describeStack, isInProgress, stackOutputs } from './stack-state.js';

export interface AliasState {
  name: string;
  version: string | null;
  /** Traffic weights by version (1 = all); two entries while a shift is under way. */
  weights: Record<string, number>;
}

export interface DeploymentState {
  id: string;
  status: string;
  createdAt: string | null;
  completedAt: string | null;
  currentVersion: string | null;
  targetVersion: string | null;
}

export interface StatusResult {
  stackName: string;
  region: string;
  exists: boolean;
  /** As CloudFormation names it, e.g. CREATE_COMPLETE. */
  stackStatus: string | null;
  stackStatusReason: string | null;
  lastUpdated: string | null;
  terminationProtection: boolean;
  outputs: Record<string, string>;
  functionArn: string | null;
  alias: AliasState | null;
  deployment: (DeploymentState & { inFlight: boolean }) | null;
  subscription: SubscriptionState;
  drift: { status: string; checkedAt: string | null; hint: string | null };
}

/** Everything about an environment's stack in one object (and its text rendering). */
export async function stackStatus(
  stackName: string,
  clients: AwsClients,
  ui: DeployUi,
  options: { follow?: boolean; pollMs?: number } = {},
): Promise<StatusResult> {
  try {
    const cfn = await clients.cloudFormation();
    let stack = await describeStack(cfn, stackName);
    if (stack && isInProgress(stack.StackStatus) && options.follow) {
      // Re-attach to an operation (e.g. after a detached deploy).
      await followOperation(
        { cfn, ui, pollMs: options.pollMs },
        { stackName, since: new Date(), title: `${stackName}: ${stack.StackStatus}`, cancellable: false },
      );
      stack = await describeStack(cfn, stackName);
    }
    const outputs = stackOutputs(stack);
    const [alias, deployment, subscription] = await Promise.all([
      aliasState(clients, outputs.FunctionName),
      lastDeployment(clients, outputs.CodeDeployApplication, outputs.CodeDeployDeploymentGroup),
      subscriptionState(clients, outputs.TopicArn),
    ]);
    const driftStatus = stack?.DriftInformation?.StackDriftStatus ?? 'NOT_CHECKED';
    const result: StatusResult = {
      stackName,
      region: clients.region,
      exists: Boolean(stack),
      stackStatus: stack?.StackStatus ?? null,
      stackStatusReason: stack?.StackStatusReason ?? null,
      lastUpdated: (stack?.LastUpdatedTime ?? stack?.CreationTime)?.toISOString() ?? null,
      terminationProtection: stack?.EnableTerminationProtection ?? false,
      outputs,
      functionArn: outputs.AliasArn ? outputs.AliasArn.replace(/:[^:]+$/, '') : null,
      alias,
      deployment,
      subscription,
      drift: {
        status: driftStatus,
        checkedAt: stack?.DriftInformation?.LastCheckTimestamp?.toISOString() ?? null,
        hint:
          driftStatus === 'DRIFTED'
            ? 'Resources were changed outside CloudFormation: `aws cloudformation describe-stack-resource-drifts` lists them; deploy puts them back.'
            : driftStatus === 'NOT_CHECKED' && stack
              ? `Drift not checked: \`aws cloudformation detect-stack-drift --stack-name ${stackName}\`.`
              : null,
      },
    };
    render(ui, result);
    return result;
  } catch (error) {
    throw explainAwsError(error, `Reading ${stackName}`);
  }
}

async function aliasState(clients: AwsClients, functionName: string | undefined): Promise<AliasState | null> {
  if (!functionName) return null;
  const { GetAliasCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await clients.lambda();
  try {
    const out = await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: 'live' }));
    const extra = out.RoutingConfig?.AdditionalVersionWeights ?? {};
    const shifted = Object.values(extra).reduce((a, b) => a + b, 0);
    const weights: Record<string, number> = { ...extra };
    if (out.FunctionVersion) weights[out.FunctionVersion] = Math.round((1 - shifted) * 1000) / 1000;
    return { name: 'live', version: out.FunctionVersion ?? null, weights };
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return null;
    throw error;
  }
}

const IN_FLIGHT = new Set(['Created', 'Queued', 'InProgress', 'Ready', 'Baking']);

async function lastDeployment(
  clients: AwsClients,
  application: string | undefined,
  group: string | undefined,
): Promise<StatusResult['deployment']> {
  if (!application || !group) return null;
  const CodeDeploy = await import('@aws-sdk/client-codedeploy');
  const codeDeploy = await clients.codeDeploy();
  try {
    const list = await codeDeploy.send(
      new CodeDeploy.ListDeploymentsCommand({ applicationName: application, deploymentGroupName: group }),
    );
    const id = list.deployments?.[0];
    if (!id) return null;
    const { deploymentInfo: d } = await codeDeploy.send(
      new CodeDeploy.GetDeploymentCommand({ deploymentId: id }),
    );
    const appSpec = parseAppSpec(d?.revision?.appSpecContent?.content);
    const status = d?.status ?? 'Unknown';
    return {
      id,
      status,
      inFlight: IN_FLIGHT.has(status),
      createdAt: d?.createTime?.toISOString() ?? null,
      completedAt: d?.completeTime?.toISOString() ?? null,
      currentVersion: appSpec?.CurrentVersion ?? null,
      targetVersion: appSpec?.TargetVersion ?? null,
    };
  } catch (error) {
    if (/DoesNotExist/.test((error as Error).name)) return null;
    throw error;
  }
}

function parseAppSpec(
  content: string | undefined,
): { CurrentVersion?: string; TargetVersion?: string } | undefined {
  try {
    const spec = JSON.parse(content ?? '') as {
      Resources?: Array<Record<string, { Properties?: Record<string, string> }>>;
    };
    const first = spec.Resources?.[0];
    return first ? Object.values(first)[0]?.Properties : undefined;
  } catch {
    return undefined;
  }
}

function render(ui: DeployUi, s: StatusResult): void {
  if (!s.exists) {
    ui.info(`${s.stackName} does not exist in ${s.region}. Create it with \`serverless-infra deploy\`.`);
    return;
  }
  ui.info(`${s.stackName}  ${s.stackStatus}  (last change ${s.lastUpdated ?? '?'})`);
  if (s.stackStatusReason) ui.info(`  ${s.stackStatusReason}`);
  for (const line of formatOutputs(s.outputs)) ui.info(line);
  if (s.functionArn) ui.info(`Function: ${s.functionArn}`);
  if (s.alias) {
    const split = Object.entries(s.alias.weights)
      .map(([v, w]) => `v${v} ${Math.round(w * 100)}%`)
      .join(', ');
    ui.info(`Alias live: ${split || `v${s.alias.version}`}`);
  }
  if (s.deployment) {
    ui.info(
      `${s.deployment.inFlight ? 'Shift in flight' : 'Last shift'}: ${s.deployment.id} ${s.deployment.status} (${s.deployment.currentVersion ?? '?'} → ${s.deployment.targetVersion ?? '?'})`,
    );
  }
  if (s.subscription === 'pending-confirmation')
    ui.info('E-mail subscription: waiting for confirmation (click the link AWS sent).');
  else if (s.subscription !== 'unknown') ui.info(`E-mail subscription: ${s.subscription}`);
  if (s.drift.hint) ui.info(s.drift.hint);
}
