import {
  GetTemplateCommand,
  type Stack,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { explainAwsError } from '../aws/aws-errors.js';
import type { AwsClients } from '../aws/clients.js';
import { publishAssets, uploadTemplate } from './assets.js';
import {
  type ChangeRow,
  createChangeSet,
  deleteChangeSet,
  destructiveRows,
  executeChangeSet,
  formatChangeRows,
} from './change-set.js';
import { confirmOrRefuse, type DeployUi } from './interaction.js';
import { differences } from './no-op.js';
import { formatOutputs, type SubscriptionState, subscriptionState } from './outputs.js';
import { callerIdentity, checkConcurrency, liveAliasVersion, refuseWhileShifting } from './preflight.js';
import { failureError, followOperation, type OperationContext, prepareStack } from './stack-operation.js';
import { type StackSource, TEMPLATE_BODY_LIMIT, templateBody, templateHash } from './stack-source.js';
import {
  accountOfStack,
  conditionOf,
  describeStack,
  SETTLED_AFTER_SUCCESS,
  stackOutputs,
} from './stack-state.js';
import { TOOLKIT_STACK_NAME, TOOLKIT_VERSION, toolkitStackSource } from './toolkit-stack.js';

/** The parameter the stack's alias version comes from (CONTRACT.md, DESIGN D5). */
export const LIVE_ALIAS_PARAMETER = 'LiveAliasVersion';

export interface DeployTarget {
  environment: string;
  /** The region in use (--region, else the project file's). */
  region: string;
  /** The project file's region, to warn when --region points elsewhere. */
  projectRegion: string;
  reservedConcurrency?: number | undefined;
}

export interface DeployOptions {
  /** Deploy even when nothing changed (re-publishes assets, creates a change set). */
  force?: boolean;
  noWait?: boolean;
  /** Print the property-level diff too. */
  verbose?: boolean;
  pollMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type DeployOutcome = 'no-changes' | 'deployed' | 'detached';

export interface DeployResult {
  stackName: string;
  environment: string;
  region: string;
  account: string | null;
  outcome: DeployOutcome;
  /** CREATE or UPDATE; null when nothing was executed. */
  changeSetType: 'CREATE' | 'UPDATE' | null;
  changes: ChangeRow[];
  stackStatus: string | null;
  outputs: Record<string, string>;
  versions: { published: string | null; live: string | null };
  subscription: SubscriptionState;
  assets: { found: number; uploaded: number; bytesUploaded: number };
  awsCalls: number;
}

interface EngineContext extends OperationContext {
  clients: AwsClients;
}

/**
 * Deploys one stack: no-op check (before anything is uploaded), preflight, stack-state recovery, toolkit
 * stack, assets, change set (shown; confirmed when destructive), execution followed live, outputs.
 */
export async function deployStack(
  source: StackSource,
  target: DeployTarget,
  clients: AwsClients,
  ui: DeployUi,
  options: DeployOptions = {},
): Promise<DeployResult> {
  try {
    return await runDeploy(source, target, clients, ui, options);
  } catch (error) {
    throw explainAwsError(error, `Deploying ${source.stackName}`);
  }
}

async function runDeploy(
  source: StackSource,
  target: DeployTarget,
  clients: AwsClients,
  ui: DeployUi,
  options: DeployOptions,
): Promise<DeployResult> {
  const cfn = await clients.cloudFormation();
  const ctx: EngineContext = {
    cfn,
    ui,
    clients,
    noWait: options.noWait,
    pollMs: options.pollMs,
    sleep: options.sleep,
  };
  const result: DeployResult = {
    stackName: source.stackName,
    environment: target.environment,
    region: target.region,
    account: null,
    outcome: 'no-changes',
    changeSetType: null,
    changes: [],
    stackStatus: null,
    outputs: {},
    versions: { published: null, live: null },
    subscription: 'unknown',
    assets: { found: 0, uploaded: 0, bytesUploaded: 0 },
    awsCalls: 0,
  };
  const finish = (r: DeployResult) => ({ ...r, awsCalls: clients.log.count });

  // 1. The fast path: one DescribeStacks, then GetTemplate and GetAlias side by side.
  let stack = await describeStack(cfn, source.stackName);
  let outputs = stackOutputs(stack);
  const wantsLiveVersion = LIVE_ALIAS_PARAMETER in (source.template.Parameters ?? {});
  const settled = stack !== undefined && SETTLED_AFTER_SUCCESS.has(stack.StackStatus ?? '');
  const [live, deployedTemplate] = await Promise.all([
    wantsLiveVersion && stack ? liveAliasVersion(clients, outputs.FunctionName) : Promise.resolve(''),
    settled && !options.force ? currentTemplate(ctx, source.stackName) : Promise.resolve(undefined),
  ]);
  const parameters = wantsLiveVersion
    ? { ...source.parameters, [LIVE_ALIAS_PARAMETER]: live }
    : source.parameters;
  if (stack && settled && !options.force) {
    const reasons = differences(source, parameters, aliasAsDeployed(stack, outputs), deployedTemplate);
    if (reasons.length === 0) {
      ui.info(`No changes: ${source.stackName} already runs this template, parameters, tags and code.`);
      return finish({
        ...result,
        account: accountOfStack(stack) ?? null,
        stackStatus: stack.StackStatus ?? null,
        outputs,
        versions: { published: outputs.NewVersion ?? null, live: live || null },
      });
    }
    if (options.verbose) ui.info(`Changed since the last deploy: ${reasons.join(', ')}.`);
    if (reasons.length === 1 && reasons[0] === 'termination protection') {
      await setTerminationProtection(ctx, source);
      return finish({
        ...result,
        outcome: 'deployed',
        stackStatus: stack.StackStatus ?? null,
        outputs,
        versions: versionsOf(outputs, live),
      });
    }
  }

  // 2. Preflight: who we are, where, and whether now is a good time.
  const identity = await callerIdentity(clients);
  result.account = identity.account;
  ui.info(`Account ${identity.account} as ${identity.arn}, region ${target.region}.`);
  if (target.region !== target.projectRegion) {
    ui.warn(`--region ${target.region} differs from the project file's region ${target.projectRegion}.`);
  }
  await refuseWhileShifting(clients, source.stackName, outputs);
  await checkConcurrency(clients, target.reservedConcurrency, outputs.FunctionName);
  stack = await prepareStack(ctx, source.stackName, stack);
  outputs = stackOutputs(stack);

  // 3. Toolkit stack, assets, template.
  const body = templateBody(source);
  if (source.assetManifests.length > 0 || body.length > TEMPLATE_BODY_LIMIT) {
    await ensureToolkit(ctx, options);
    const published = await ui.step('Publishing assets', (report) =>
      publishAssets(
        source.assetManifests,
        clients,
        identity.account,
        (m) => report.event(m),
        source.templateFile,
      ),
    );
    result.assets = published;
    ui.info(
      `Assets: ${published.uploaded} uploaded (${published.bytesUploaded} bytes), ${published.found} already there.`,
    );
  }
  let templateUrl: string | undefined;
  if (body.length > TEMPLATE_BODY_LIMIT) {
    const uploaded = await uploadTemplate(clients, identity.account, body, templateHash(body));
    templateUrl = uploaded.url;
    result.assets.bytesUploaded += uploaded.bytesUploaded;
  }

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
        templateBody: templateUrl ? undefined : body,
        templateUrl,
        parameters,
        tags: source.tags,
      },
      { pollMs: options.pollMs, sleep: options.sleep },
    ),
  );
  if (!changeSet.hasChanges) {
    ui.info(`No changes: CloudFormation found nothing to change in ${source.stackName}.`);
    return finish({
      ...result,
      stackStatus: stack?.StackStatus ?? null,
      outputs,
      versions: versionsOf(outputs, live),
    });
  }
  result.changes = changeSet.rows;
  ui.info(`Changes to ${source.stackName} (${type}):`);
  for (const line of formatChangeRows(changeSet.rows)) ui.info(line);
  if (options.verbose && type === 'UPDATE') {
    const { renderTemplateDiff } = await import('./template-diff.js');
    ui.info(
      await renderTemplateDiff(
        deployedTemplate ?? (await currentTemplate(ctx, source.stackName)),
        source.template,
      ),
    );
  }
  const destructive = destructiveRows(changeSet.rows);
  if (destructive.length > 0) {
    ui.warn(
      `This change set would replace or delete data: ${destructive.map((r) => `${r.logicalId} (${r.type}, ${r.action})`).join(', ')}.`,
    );
    try {
      await confirmOrRefuse(
        ui,
        'Execute it anyway?',
        `Refusing a change set that replaces or deletes data (${destructive.map((r) => r.logicalId).join(', ')}) without --yes. Nothing was changed.`,
      );
    } catch (error) {
      await deleteChangeSet(cfn, source.stackName, changeSet.id);
      throw error;
    }
  }

  // 5. Execute and follow.
  const since = new Date();
  await executeChangeSet(cfn, source.stackName, changeSet.id);
  const followed = await followOperation(ctx, {
    stackName: source.stackName,
    since,
    expected: changeSet.rows.length,
    title: `${type === 'CREATE' ? 'Creating' : 'Updating'} ${source.stackName}`,
    cancellable: type === 'UPDATE',
  });
  if (followed.followed === 'detached') {
    return finish({ ...result, outcome: 'detached', stackStatus: followed.stackStatus ?? null });
  }
  if (followed.stackStatus !== 'CREATE_COMPLETE' && followed.stackStatus !== 'UPDATE_COMPLETE') {
    throw failureError(source.stackName, followed, 'Deploy');
  }

  // 6. Report.
  let after = await describeStack(cfn, source.stackName);
  // Change sets cannot carry termination protection: it is a separate call.
  if ((after?.EnableTerminationProtection ?? false) !== source.terminationProtection) {
    await setTerminationProtection(ctx, source);
    after = after && { ...after, EnableTerminationProtection: source.terminationProtection };
  }
  outputs = stackOutputs(after);
  const subscription = await subscriptionState(clients, outputs.TopicArn);
  const versions = versionsOf(outputs, live);
  reportSuccess(ui, outputs, versions, subscription);
  return finish({
    ...result,
    outcome: 'deployed',
    stackStatus: after?.StackStatus ?? followed.stackStatus,
    outputs,
    versions,
    subscription,
  });
}

function versionsOf(outputs: Record<string, string>, live: string): DeployResult['versions'] {
  // On the first deploy the alias starts on the version this deploy published (DESIGN D5).
  return { published: outputs.NewVersion ?? null, live: live || outputs.NewVersion || null };
}

function reportSuccess(
  ui: DeployUi,
  outputs: Record<string, string>,
  versions: DeployResult['versions'],
  subscription: SubscriptionState,
): void {
  const table = formatOutputs(outputs);
  if (table.length) {
    ui.info('Outputs:');
    for (const line of table) ui.info(line);
  }
  if (versions.published) {
    ui.info(
      `Lambda version ${versions.published} published; alias live serves version ${versions.live ?? '?'}.`,
    );
  }
  if (subscription === 'pending-confirmation') {
    ui.info('The notification e-mail subscription waits for confirmation: click the link AWS sent.');
  }
  if (versions.published && versions.live && versions.published !== versions.live) {
    ui.info(`Next: \`serverless-infra shift\` moves traffic from ${versions.live} to ${versions.published}.`);
  }
}

/**
 * The deployed parameters with LiveAliasVersion as the alias it selected: an empty value means "the
 * version this deploy published" (DESIGN D5), so '' with the alias on NewVersion equals NewVersion.
 */
function aliasAsDeployed(stack: Stack, outputs: Record<string, string>): Stack {
  return {
    ...stack,
    Parameters: stack.Parameters?.map((p) =>
      p.ParameterKey === LIVE_ALIAS_PARAMETER && !p.ParameterValue
        ? { ...p, ParameterValue: outputs.NewVersion ?? '' }
        : p,
    ),
  };
}

async function setTerminationProtection(ctx: EngineContext, source: StackSource): Promise<void> {
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

async function currentTemplate(ctx: EngineContext, stackName: string): Promise<string | undefined> {
  const out = await ctx.cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
  return out.TemplateBody;
}

/**
 * The toolkit stack is deployed by this same engine: a Version output tells whether it is current,
 * so an up-to-date toolkit costs one DescribeStacks.
 */
async function ensureToolkit(ctx: EngineContext, options: DeployOptions): Promise<void> {
  const stack: Stack | undefined = await describeStack(ctx.cfn, TOOLKIT_STACK_NAME);
  if (
    stack &&
    conditionOf(stack.StackStatus) === 'ready' &&
    stackOutputs(stack).Version === TOOLKIT_VERSION
  ) {
    return;
  }
  ctx.ui.info(
    stack
      ? 'Updating the toolkit stack (staging bucket).'
      : 'Creating the toolkit stack (staging bucket) for this account and region.',
  );
  const source = toolkitStackSource();
  const prepared = await prepareStack({ ...ctx, noWait: false }, TOOLKIT_STACK_NAME, stack);
  const type = conditionOf(prepared?.StackStatus) === 'ready' ? 'UPDATE' : 'CREATE';
  const changeSet = await createChangeSet(
    ctx.cfn,
    {
      stackName: TOOLKIT_STACK_NAME,
      changeSetName: `serverless-infra-toolkit-${Date.now()}`,
      type,
      templateBody: templateBody(source),
      parameters: {},
      tags: source.tags,
    },
    { pollMs: options.pollMs, sleep: options.sleep },
  );
  if (!changeSet.hasChanges) return;
  const since = new Date();
  await executeChangeSet(ctx.cfn, TOOLKIT_STACK_NAME, changeSet.id);
  const followed = await followOperation(ctx, {
    stackName: TOOLKIT_STACK_NAME,
    since,
    expected: changeSet.rows.length,
    title: `${type === 'CREATE' ? 'Creating' : 'Updating'} ${TOOLKIT_STACK_NAME}`,
    cancellable: false,
  });
  if (followed.followed === 'detached') throw failureError(TOOLKIT_STACK_NAME, followed, 'The toolkit stack');
  if (followed.stackStatus !== 'CREATE_COMPLETE' && followed.stackStatus !== 'UPDATE_COMPLETE') {
    throw failureError(TOOLKIT_STACK_NAME, followed, 'The toolkit stack');
  }
}
