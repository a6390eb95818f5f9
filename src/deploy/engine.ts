import {
  type CloudFormationClient,
  GetTemplateCommand,
  type Stack,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import type { AwsClients } from '../aws/clients.js';
import { UserError } from '../errors.js';
import { fitsInline } from '../stack-contract.js';
import { confirmOrRefuse, type Interaction } from '../ui/interaction.js';
import { publishAssets, uploadTemplate } from './assets.js';
import {
  type ChangeRow,
  createChangeSet,
  deleteChangeSet,
  destructiveRows,
  executeChangeSet,
  formatChangeRows,
} from './change-set.js';
import { callerIdentity } from './identity.js';
import { differences } from './no-op.js';
import { type ApprovalLevel, approveSecurity, reviewSecurity } from './security-review.js';
import { failureError, type OperationContext, prepareStack, startAndFollow } from './stack-operation.js';
import { type StackSource, templateBody, templateHash } from './stack-source.js';
import {
  accountOfStack,
  conditionOf,
  describeStack,
  SETTLED_AFTER_SUCCESS,
  stackOutputs,
} from './stack-state.js';
import { ensureToolkit } from './toolkit.js';

/**
 * What the application above the engine (src/environment) tells it about its stack: the engine itself
 * knows nothing of functions, aliases or topics.
 */
export interface StackHooks {
  /** Parameter values that depend on what is deployed now (deploy and diff both take them from here). */
  liveParameters?(stack: Stack | undefined): Promise<Record<string, string>>;
  /** The deployed stack's parameters as liveParameters would give them (for the "nothing to do" check). */
  deployedParameters?(stack: Stack): Record<string, string>;
  /** Before anything is changed or uploaded: throw a UserError to refuse (e.g. a traffic shift in flight). */
  preflight?(stack: Stack | undefined): Promise<void>;
  /** Outputs the stack must have once deployed: a deploy that "succeeds" without them fails. */
  requiredOutputs?: readonly string[];
}

export interface DeployOptions {
  /** Deploy even when nothing changed (re-publishes assets, creates a change set). */
  force?: boolean | undefined;
  noWait?: boolean | undefined;
  /** Print the property-level diff too. */
  verbose?: boolean | undefined;
  /** Which security changes need approval (default: those that broaden permissions). */
  requireApproval?: ApprovalLevel | undefined;
  pollMs?: number | undefined;
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
}

export type DeployOutcome = 'no-changes' | 'deployed' | 'detached';

export interface StackDeployResult {
  stackName: string;
  region: string;
  account: string | null;
  outcome: DeployOutcome;
  /** CREATE or UPDATE; null when nothing was executed. */
  changeSetType: 'CREATE' | 'UPDATE' | null;
  changes: ChangeRow[];
  stackStatus: string | null;
  outputs: Record<string, string>;
  /** The parameters deployed (or that would have been): LiveAliasVersion among them. */
  parameters: Record<string, string>;
  assets: { found: number; uploaded: number; bytesUploaded: number };
  awsCalls: number;
}

/** What the stack is now and what deploying `source` would send, decided without changing anything. */
export interface StackPlan {
  stack: Stack | undefined;
  parameters: Record<string, string>;
  /** Why the deployed stack differs; empty when there is nothing to do; undefined when not comparable. */
  reasons: string[] | undefined;
  deployedTemplate: string | undefined;
}

/**
 * Step 1 of deploy and of diff, one code path for both: the stack (one DescribeStacks), the live parameters
 * and, for a settled stack, the deployed template, side by side; then the local "nothing to do" check
 * (template, parameters, tags, termination protection), before anything is uploaded.
 */
export async function planStack(
  cfn: CloudFormationClient,
  source: StackSource,
  hooks: StackHooks,
  options: { force?: boolean | undefined } = {},
): Promise<StackPlan> {
  const stack = await describeStack(cfn, source.stackName);
  const settled = stack !== undefined && SETTLED_AFTER_SUCCESS.has(stack.StackStatus ?? '');
  const [live, deployedTemplate] = await Promise.all([
    hooks.liveParameters ? hooks.liveParameters(stack) : Promise.resolve({}),
    settled && !options.force ? currentTemplate(cfn, source.stackName) : Promise.resolve(undefined),
  ]);
  const parameters = { ...source.parameters, ...live };
  if (!stack || !settled || options.force) return { stack, parameters, reasons: undefined, deployedTemplate };
  const deployed = hooks.deployedParameters?.(stack);
  const reasons = differences(source, parameters, stack, deployedTemplate, deployed);
  return { stack, parameters, reasons, deployedTemplate };
}

/**
 * Deploys one stack: the plan (nothing uploaded when there is nothing to do), preflight, stack-state
 * recovery, toolkit stack, assets, change set (shown; confirmed when destructive), execution followed live,
 * outputs checked.
 */
export async function deployStack(
  source: StackSource,
  clients: AwsClients,
  ui: Interaction,
  options: DeployOptions = {},
  hooks: StackHooks = {},
): Promise<StackDeployResult> {
  const cfn = await clients.cloudFormation();
  const ctx: OperationContext = {
    cfn,
    ui,
    noWait: options.noWait,
    pollMs: options.pollMs,
    sleep: options.sleep,
  };
  const result: StackDeployResult = {
    stackName: source.stackName,
    region: clients.region,
    account: null,
    outcome: 'no-changes',
    changeSetType: null,
    changes: [],
    stackStatus: null,
    outputs: {},
    parameters: {},
    assets: { found: 0, uploaded: 0, bytesUploaded: 0 },
    awsCalls: 0,
  };
  const finish = (r: Partial<StackDeployResult>): StackDeployResult => ({
    ...result,
    ...r,
    awsCalls: clients.log.count,
  });

  // 1. The plan: at most three calls when there is nothing to do.
  const plan = await planStack(cfn, source, hooks, options);
  let stack = plan.stack;
  result.parameters = plan.parameters;
  result.outputs = stackOutputs(stack);
  result.stackStatus = stack?.StackStatus ?? null;
  if (stack && plan.reasons) {
    if (plan.reasons.length === 0) {
      ui.info(`No changes: ${source.stackName} already runs this template, parameters, tags and code.`);
      return finish({ account: accountOfStack(stack) ?? null });
    }
    if (options.verbose) ui.info(`Changed since the last deploy: ${plan.reasons.join(', ')}.`);
    if (plan.reasons.length === 1 && plan.reasons[0] === 'termination protection') {
      await setTerminationProtection(ctx, source);
      return finish({ outcome: 'deployed', account: accountOfStack(stack) ?? null });
    }
  }

  // 2. Preflight: who we are, and whether now is a good time.
  const identity = await callerIdentity(clients);
  result.account = identity.account;
  ui.info(`Account ${identity.account} as ${identity.arn}, region ${clients.region}.`);
  await hooks.preflight?.(stack);
  stack = await prepareStack(ctx, source.stackName, stack);

  // 3. Toolkit stack, assets, template.
  const templateUrl = await publish(ctx, clients, identity.account, source, result, options);

  // 4. Change set.
  const type = conditionOf(stack?.StackStatus) === 'ready' ? 'UPDATE' : 'CREATE';
  result.changeSetType = type;
  const changeSet = await ui.step(`Creating the change set (${type})`, () =>
    createChangeSet(
      cfn,
      {
        stackName: source.stackName,
        changeSetName: `serverless-infra-${Date.now()}`,
        type,
        templateBody: templateUrl ? undefined : templateBody(source),
        templateUrl,
        parameters: plan.parameters,
        tags: source.tags,
      },
      { pollMs: options.pollMs, sleep: options.sleep },
    ),
  );
  if (!changeSet.hasChanges) {
    ui.info(`No changes: CloudFormation found nothing to change in ${source.stackName}.`);
    return finish({});
  }
  result.changes = changeSet.rows;
  ui.info(`Changes to ${source.stackName} (${type}):`);
  for (const line of formatChangeRows(changeSet.rows, ui.columns)) ui.info(line);
  if (options.verbose && type === 'UPDATE') {
    const { renderTemplateDiff } = await import('./template-diff.js');
    ui.info(
      await renderTemplateDiff(
        plan.deployedTemplate ?? (await currentTemplate(cfn, source.stackName)),
        source.template,
      ),
    );
  }
  const destructive = destructiveRows(changeSet.rows);
  try {
    // IAM and resource-policy changes: shown, and approved when they broaden permissions (--require-approval).
    const deployed =
      type === 'UPDATE'
        ? (plan.deployedTemplate ?? (await currentTemplate(cfn, source.stackName)))
        : undefined;
    await approveSecurity(
      ui,
      await reviewSecurity(deployed, source.template),
      options.requireApproval ?? 'broadening',
    );
    if (destructive.length > 0) {
      ui.warn(
        `This change set would replace or delete data: ${destructive.map((r) => `${r.logicalId} (${r.type}, ${r.action})`).join(', ')}.`,
      );
      await confirmOrRefuse(
        ui,
        'Execute it anyway?',
        `Refusing a change set that replaces or deletes data (${destructive.map((r) => r.logicalId).join(', ')}) without --yes. Nothing was changed.`,
      );
    }
  } catch (error) {
    await deleteChangeSet(cfn, source.stackName, changeSet.id);
    throw error;
  }

  // 5. Execute and follow.
  const followed = await startAndFollow(
    ctx,
    {
      stackName: source.stackName,
      expected: changeSet.rows.length,
      title: `${type === 'CREATE' ? 'Creating' : 'Updating'} ${source.stackName}`,
      cancellable: type === 'UPDATE',
    },
    () => executeChangeSet(cfn, source.stackName, changeSet.id),
  );
  if (followed.followed === 'detached') {
    return finish({ outcome: 'detached', stackStatus: followed.stackStatus ?? null });
  }
  if (followed.stackStatus !== 'CREATE_COMPLETE' && followed.stackStatus !== 'UPDATE_COMPLETE') {
    throw failureError(source.stackName, followed, 'Deploy');
  }

  // 6. The stack as deployed: termination protection (not part of a change set) and its outputs.
  let after = await describeStack(cfn, source.stackName);
  if ((after?.EnableTerminationProtection ?? false) !== source.terminationProtection) {
    await setTerminationProtection(ctx, source);
    after = after && { ...after, EnableTerminationProtection: source.terminationProtection };
  }
  const outputs = stackOutputs(after);
  const missing = (hooks.requiredOutputs ?? []).filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new UserError(
      `${source.stackName} reached ${after?.StackStatus ?? followed.stackStatus} but has no ${missing.join(', ')} output${missing.length > 1 ? 's' : ''}: its resources were not all created.`,
      {
        code: 'DeployIncomplete',
        suggestion:
          'Look at the stack in the CloudFormation console (or `serverless-infra status`); `serverless-infra deploy --force` deploys it again.',
      },
    );
  }
  return finish({
    outcome: 'deployed',
    stackStatus: after?.StackStatus ?? followed.stackStatus ?? null,
    outputs,
  });
}

/**
 * The toolkit stack and the assets, when the template has any or is too large to send inline; returns the
 * template's URL in that last case.
 */
async function publish(
  ctx: OperationContext,
  clients: AwsClients,
  account: string,
  source: StackSource,
  result: StackDeployResult,
  options: DeployOptions,
): Promise<string | undefined> {
  const body = templateBody(source);
  const large = !fitsInline(body);
  if (source.assetManifests.length === 0 && !large) return undefined;
  await ensureToolkit(ctx, clients, account, options);
  if (source.assetManifests.length > 0) {
    const published = await ctx.ui.step('Publishing assets', (report) =>
      publishAssets(source.assetManifests, clients, account, (m) => report.event(m), source.templateFile),
    );
    result.assets = published;
    ctx.ui.info(
      `Assets: ${published.uploaded} uploaded (${published.bytesUploaded} bytes), ${published.found} already there.`,
    );
  }
  if (!large) return undefined;
  const uploaded = await uploadTemplate(clients, account, body, templateHash(body));
  result.assets.bytesUploaded += uploaded.bytesUploaded;
  return uploaded.url;
}

async function setTerminationProtection(ctx: OperationContext, source: StackSource): Promise<void> {
  await ctx.cfn.send(
    new UpdateTerminationProtectionCommand({
      StackName: source.stackName,
      EnableTerminationProtection: source.terminationProtection,
    }),
  );
  ctx.ui.info(
    `Termination protection ${source.terminationProtection ? 'on' : 'off'} for ${source.stackName}.`,
  );
}

export async function currentTemplate(
  cfn: CloudFormationClient,
  stackName: string,
): Promise<string | undefined> {
  const out = await cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
  return out?.TemplateBody;
}
