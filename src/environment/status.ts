import { translateAwsError } from '../aws/aws-errors.js';
import type { AwsClients } from '../aws/clients.js';
import { followRunning } from '../deploy/stack-operation.js';
import { describeStack, isInProgress, stackOutputs } from '../deploy/stack-state.js';
import { isInFlight } from '../release/deployment.js';
import { HEALTH_WINDOW_MINUTES, readVersionHealth, type VersionHealth } from '../release/health.js';
import { listReleases, type ReleaseRecord } from '../release/history.js';
import { releaseStackFromOutputs } from '../release/stack.js';
import { getAliasTraffic } from '../release/versions.js';
import { LIVE_ALIAS, OUTPUTS } from '../stack-contract.js';
import type { Interaction } from '../ui/interaction.js';
import { healthText } from '../ui/release-view.js';
import { formatOutputs, type SubscriptionState, subscriptionState } from './outputs.js';

export interface AliasState {
  name: string;
  version: string | null;
  /** Percent of traffic per version (sums to 100), from the alias's RoutingConfig; two while a shift runs. */
  traffic: Record<string, number>;
}

export interface DeploymentState {
  id: string;
  status: string;
  createdAt: string | null;
  completedAt: string | null;
  currentVersion: string | null;
  targetVersion: string | null;
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
  /** user, or codeDeployRollback for CodeDeploy's own rollbacks (then from/to are what it moved back). */
  creator: string | null;
  /** A CodeDeploy rollback: the deployment it undid. */
  rollbackOf: string | null;
}

/** A part of the report that could not be read, and why (the rest is still shown). */
export interface StatusProblem {
  part: 'alias' | 'releases' | 'subscription' | 'health';
  code: string;
  message: string;
}

export interface StatusResult {
  stackName: string;
  region: string;
  exists: boolean;
  /** As CloudFormation names it, e.g. CREATE_COMPLETE. */
  stackStatus: string | null;
  stackStatusReason: string | null;
  /** What the status means for the next command, when it is not plain (e.g. REVIEW_IN_PROGRESS). */
  note: string | null;
  lastUpdated: string | null;
  terminationProtection: boolean;
  outputs: Record<string, string>;
  functionArn: string | null;
  alias: AliasState | null;
  /** Each version the alias serves: requests, errors, p50Ms, p99Ms over the last `windowMinutes`. */
  health: { windowMinutes: number; versions: VersionHealth[] } | null;
  deployment: (DeploymentState & { inFlight: boolean }) | null;
  /** The last releases (CodeDeploy deployments of the group), newest first. */
  releases: ReleaseRow[];
  subscription: SubscriptionState;
  drift: { status: string; checkedAt: string | null; hint: string | null };
  /** Parts that could not be read; empty when everything was. */
  problems: StatusProblem[];
}

/** How many past releases `status` shows. */
const RELEASES_SHOWN = 5;

/** Everything about an environment's stack in one object, and its report on stdout. */
export async function stackStatus(
  stackName: string,
  clients: AwsClients,
  ui: Interaction,
  options: { follow?: boolean; pollMs?: number } = {},
): Promise<StatusResult> {
  const cfn = await clients.cloudFormation();
  let stack = await describeStack(cfn, stackName);
  if (stack && isInProgress(stack.StackStatus) && options.follow) {
    // Re-attach to an operation (e.g. after a detached deploy), from its events from now on.
    await followRunning(
      { cfn, ui, pollMs: options.pollMs },
      {
        stackName: stack.StackId ?? stackName,
        title: `${stackName}: ${stack.StackStatus}`,
        cancellable: false,
      },
    );
    stack = await describeStack(cfn, stackName);
  }
  const outputs = stackOutputs(stack);
  const problems: StatusProblem[] = [];
  // Each part on its own: one that cannot be read is named, the others are still shown.
  const part = async <T>(name: StatusProblem['part'], read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      const known = translateAwsError(error);
      if (!known) throw error;
      problems.push({ part: name, code: known.code, message: known.message });
      return fallback;
    }
  };
  const [alias, releases, subscription] = await Promise.all([
    part('alias', () => aliasState(clients, outputs[OUTPUTS.functionName]), null),
    part('releases', () => releaseHistory(clients, stackName, outputs), [] as ReleaseRecord[]),
    part('subscription', () => subscriptionState(clients, outputs[OUTPUTS.topicArn]), 'unknown' as const),
  ]);
  const served = Object.entries(alias?.traffic ?? {})
    .filter(([, percent]) => percent > 0)
    .map(([version]) => version);
  const functionName = outputs[OUTPUTS.functionName];
  const health =
    functionName && served.length > 0
      ? await part(
          'health',
          async () => ({
            windowMinutes: HEALTH_WINDOW_MINUTES,
            versions: await readVersionHealth(
              await clients.cloudWatch(),
              { functionName, alias: outputs[OUTPUTS.aliasName] || LIVE_ALIAS },
              served,
              { endMs: clients.serverNow(), minutes: HEALTH_WINDOW_MINUTES },
            ),
          }),
          null,
        )
      : null;
  const driftStatus = stack?.DriftInformation?.StackDriftStatus ?? 'NOT_CHECKED';
  const aliasArn = outputs[OUTPUTS.aliasArn];
  const result: StatusResult = {
    stackName,
    region: clients.region,
    exists: Boolean(stack),
    stackStatus: stack?.StackStatus ?? null,
    stackStatusReason: stack?.StackStatusReason ?? null,
    note:
      stack?.StackStatus === 'REVIEW_IN_PROGRESS'
        ? 'A change set was created but never executed: the stack has no resources yet. `serverless-infra deploy` creates it; `serverless-infra destroy` deletes it.'
        : null,
    lastUpdated: (stack?.LastUpdatedTime ?? stack?.CreationTime)?.toISOString() ?? null,
    terminationProtection: stack?.EnableTerminationProtection ?? false,
    outputs,
    functionArn: aliasArn ? aliasArn.replace(/:[^:]+$/, '') : null,
    alias,
    health,
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
    problems,
  };
  render(ui, result);
  return result;
}

/** The alias's split, from its own RoutingConfig (the truth), in percent. */
async function aliasState(clients: AwsClients, functionName: string | undefined): Promise<AliasState | null> {
  if (!functionName) return null;
  try {
    const traffic = await getAliasTraffic(await clients.lambda(), functionName, LIVE_ALIAS);
    return { name: LIVE_ALIAS, version: traffic.version || null, traffic: traffic.percent };
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return null;
    throw error;
  }
}

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
    rollbackOf: r.rollbackOf ?? null,
  };
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

function render(ui: Interaction, s: StatusResult): void {
  if (!s.exists) {
    ui.result(`${s.stackName} does not exist in ${s.region}. Create it with \`serverless-infra deploy\`.`);
    return;
  }
  const show = ui.result;
  show(`${s.stackName}  ${s.stackStatus}  (last change ${s.lastUpdated ?? '?'})`);
  if (s.stackStatusReason) show(`  ${s.stackStatusReason}`);
  if (s.note) show(`  ${s.note}`);
  for (const line of formatOutputs(s.outputs)) show(line);
  if (s.functionArn) show(`Function: ${s.functionArn}`);
  if (s.alias) {
    const split = Object.entries(s.alias.traffic)
      .filter(([, p]) => p > 0)
      .map(([v, p]) => `v${v} ${p}%`)
      .join(', ');
    show(`Alias live: ${split || `v${s.alias.version}`}`);
  }
  if (s.health) {
    show(`Health (last ${s.health.windowMinutes} min):`);
    for (const h of s.health.versions) show(`  ${healthText(h)}`);
  }
  if (s.deployment) {
    show(
      `${s.deployment.inFlight ? 'Shift in flight' : 'Last shift'}: ${s.deployment.id} ${s.deployment.status} (${s.deployment.currentVersion ?? '?'} → ${s.deployment.targetVersion ?? '?'})`,
    );
  }
  if (s.releases.length > 0) {
    show('Releases (newest first):');
    for (const line of formatReleases(s.releases)) show(line);
  }
  if (s.subscription === 'pending-confirmation')
    show('E-mail subscription: waiting for confirmation (click the link AWS sent).');
  else if (s.subscription !== 'unknown') show(`E-mail subscription: ${s.subscription}`);
  if (s.drift.hint) show(s.drift.hint);
  for (const p of s.problems) ui.warn(`Could not read the ${p.part}: ${p.message}`);
}

/** One row per release: id, from -> to, strategy, outcome, when, creator. */
function formatReleases(releases: ReleaseRow[]): string[] {
  const rows = releases.map((r) => [
    r.deploymentId,
    `${r.from ?? '?'} -> ${r.to ?? '?'}`,
    r.strategy ?? r.config ?? '?',
    r.outcome,
    r.createdAt ?? '?',
    r.rollbackOf ? `${r.creator ?? '?'} (undid ${r.rollbackOf})` : (r.creator ?? '?'),
  ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd());
}
