import { explainAwsError } from '../aws/aws-errors.js';
import type { AwsClients } from '../aws/clients.js';
import { isInFlight } from '../release/deployment.js';
import { listReleases, type ReleaseRecord } from '../release/history.js';
import { releaseStackFromOutputs } from '../release/stack.js';
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
  /** The last releases (CodeDeploy deployments of the group), newest first. */
  releases: ReleaseRow[];
  subscription: SubscriptionState;
  drift: { status: string; checkedAt: string | null; hint: string | null };
}

export interface ReleaseRow {
  deploymentId: string;
  from: string | null;
  to: string | null;
  /** canary, linear, all-at-once (null for a config this CLI does not name). */
  strategy: string | null;
  config: string | null;
  /** succeeded, failed, rolled-back-by-alarm, stopped, in-progress… (release/outcome.ts) */
  outcome: string;
  status: string;
  createdAt: string | null;
  completedAt: string | null;
  /** user, or codeDeployRollback for CodeDeploy's own rollbacks. */
  creator: string | null;
}

function releaseRow(r: ReleaseRecord): ReleaseRow {
  return {
    deploymentId: r.deploymentId,
    from: r.from ?? null,
    to: r.to ?? null,
    strategy: r.strategy ?? null,
    config: r.config ?? null,
    outcome: r.outcome,
    status: r.status,
    createdAt: r.createdAt ?? null,
    completedAt: r.completedAt ?? null,
    creator: r.creator ?? null,
  };
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
    const [alias, releases, subscription] = await Promise.all([
      aliasState(clients, outputs.FunctionName),
      releaseHistory(clients, stackName, outputs),
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
      deployment: deploymentOf(releases[0]),
      releases: releases.map(releaseRow),
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

/** How many past releases `status` shows. */
const RELEASES_SHOWN = 5;

/** The last releases of the stack's deployment group (release's history), newest first. */
async function releaseHistory(
  clients: AwsClients,
  stackName: string,
  outputs: Record<string, string>,
): Promise<ReleaseRecord[]> {
  const wiring = releaseStackFromOutputs(stackName, outputs);
  if (!wiring) return [];
  try {
    return await listReleases(await clients.codeDeploy(), wiring, RELEASES_SHOWN);
  } catch (error) {
    if (/DoesNotExist/.test((error as Error).name)) return [];
    throw error;
  }
}

/** The newest release, as the shift in flight or the last one. */
function deploymentOf(release: ReleaseRecord | undefined): StatusResult['deployment'] {
  if (!release) return null;
  return {
    id: release.deploymentId,
    status: release.status,
    inFlight: isInFlight(release.status),
    createdAt: release.createdAt ?? null,
    completedAt: release.completedAt ?? null,
    currentVersion: release.from ?? null,
    targetVersion: release.to ?? null,
  };
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
  if (s.releases.length > 0) {
    ui.info('Releases (newest first):');
    for (const line of formatReleases(s.releases)) ui.info(line);
  }
  if (s.subscription === 'pending-confirmation')
    ui.info('E-mail subscription: waiting for confirmation (click the link AWS sent).');
  else if (s.subscription !== 'unknown') ui.info(`E-mail subscription: ${s.subscription}`);
  if (s.drift.hint) ui.info(s.drift.hint);
}

/** One row per release: id, from -> to, strategy, outcome, when, creator. */
function formatReleases(releases: ReleaseRow[]): string[] {
  const rows = releases.map((r) => [
    r.deploymentId,
    `${r.from ?? '?'} -> ${r.to ?? '?'}`,
    r.strategy ?? r.config ?? '?',
    r.outcome,
    r.createdAt ?? '?',
    r.creator ?? '?',
  ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd());
}
