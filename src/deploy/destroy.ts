import type { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import {
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import type { AwsClients } from '../aws/clients.js';
import { CancelledError, ExitCode, UserError } from '../errors.js';
import { confirmOrRefuse, type Interaction } from '../ui/interaction.js';
import { emptyBucket } from './bucket-emptying.js';
import { defaultSleep } from './stack-events.js';
import { failureError, startAndFollow } from './stack-operation.js';
import { describeStack, isInProgress } from './stack-state.js';

export interface RetainedResource {
  logicalId: string;
  type: string;
  physicalId: string | null;
  reason: string;
}

export interface EmptiedBucket {
  bucket: string;
  /** Object versions and delete markers deleted. */
  deleted: number;
}

export interface DestroyResult {
  stackName: string;
  outcome: 'destroyed' | 'absent' | 'detached';
  retained: RetainedResource[];
  /** Buckets the stack deletes (DeletionPolicy Delete), emptied first; never a retained one. */
  emptied: EmptiedBucket[];
}

export interface DestroyOptions {
  /** Production needs the stack name typed (or given here). */
  production: boolean;
  confirmName?: string | undefined;
  /** Turn termination protection off. */
  disableTerminationProtection?: boolean | undefined;
  pollMs?: number;
  /** Before anything is asked or deleted: throw a UserError to refuse (e.g. a traffic shift in flight). */
  preflight?: (stack: Stack) => Promise<void>;
}

/**
 * Deletes the stack after confirmation (Production: the stack name typed, --yes is not enough), watches
 * the deletion, and lists what CloudFormation kept (DeletionPolicy Retain/Snapshot) and why.
 */
export async function destroyStack(
  stackName: string,
  clients: AwsClients,
  ui: Interaction,
  options: DestroyOptions,
): Promise<DestroyResult> {
  const cfn = await clients.cloudFormation();
  const stack = await describeStack(cfn, stackName);
  if (!stack) {
    ui.info(`${stackName} does not exist in ${clients.region}: nothing to destroy.`);
    return { stackName, outcome: 'absent', retained: [], emptied: [] };
  }
  if (isInProgress(stack.StackStatus)) {
    throw new UserError(`${stackName} is busy (${stack.StackStatus}).`, {
      code: 'StackBusy',
      suggestion: 'Wait for it (`serverless-infra status`), then destroy.',
    });
  }
  await options.preflight?.(stack);
  // A stack in REVIEW_IN_PROGRESS (a change set never executed) has no resources yet: nothing to keep or empty.
  const reviewed = stack.StackStatus === 'REVIEW_IN_PROGRESS';
  const [template, resources] = reviewed
    ? [{ TemplateBody: undefined }, { StackResources: [] }]
    : await Promise.all([
        cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' })),
        cfn.send(new DescribeStackResourcesCommand({ StackName: stackName })),
      ]);
  const kept = retainedResources(template.TemplateBody, resources.StackResources ?? []);
  const doomedBuckets = options.production
    ? [] // Production retains its buckets (docs/synth.md): their data is never touched here
    : deletedBuckets(template.TemplateBody, resources.StackResources ?? []);
  ui.warn(`This deletes ${stackName} (${stack.StackStatus}) in ${clients.region}.`);
  if (kept.length) ui.info(`Kept by their DeletionPolicy: ${kept.map((r) => r.logicalId).join(', ')}.`);
  if (doomedBuckets.length) {
    ui.warn(`Its buckets are emptied first (every object version) and deleted: ${doomedBuckets.join(', ')}.`);
  }

  if (options.production) await confirmProduction(ui, stackName, options.confirmName);
  else await confirmOrRefuse(ui, `Delete ${stackName}?`, `Refusing to delete ${stackName} without --yes.`);

  if (stack.EnableTerminationProtection) {
    if (!options.disableTerminationProtection) {
      throw new UserError(`${stackName} has termination protection on.`, {
        code: 'TerminationProtection',
        suggestion:
          'Pass --disable-termination-protection to turn it off and delete (the retained data stays).',
      });
    }
    await cfn.send(
      new UpdateTerminationProtectionCommand({ StackName: stackName, EnableTerminationProtection: false }),
    );
    ui.info('Termination protection turned off.');
  }
  // Non-Production buckets are DESTROY without CDK's auto-delete custom resource (docs/synth.md):
  // CloudFormation cannot delete a bucket that still holds objects, so empty them first.
  const emptied: EmptiedBucket[] = [];
  if (doomedBuckets.length > 0) {
    const s3 = await clients.s3();
    for (const bucket of doomedBuckets) {
      const deleted = await ui.step(`Emptying ${bucket}`, () => emptyBucket(s3, bucket));
      emptied.push({ bucket, deleted });
      ui.info(`Emptied ${bucket}: ${deleted} object version(s) and delete marker(s) deleted.`);
    }
  }
  // Followed by the stack's id: once deleted, it can be read only by id.
  const stackId = stack.StackId ?? stackName;
  const followed = await startAndFollow(
    { cfn, ui, pollMs: options.pollMs },
    { stackName: stackId, title: `Deleting ${stackName}`, cancellable: false },
    () => cfn.send(new DeleteStackCommand({ StackName: stackName })),
  );
  if (followed.followed === 'detached') return { stackName, outcome: 'detached', retained: kept, emptied };
  if (followed.stackStatus !== 'DELETE_COMPLETE') throw failureError(stackName, followed, 'Destroy');
  await untilGoneByName(cfn, stackName, options.pollMs ?? 1000);
  ui.result(`${stackName} is deleted.`);
  for (const r of kept) ui.result(`  kept ${r.logicalId} (${r.type}) ${r.physicalId ?? ''}: ${r.reason}`);
  return { stackName, outcome: 'destroyed', retained: kept, emptied };
}

/**
 * The deletion was followed by the stack's id; the user's next command reads it by name, and DescribeStacks is
 * eventually consistent. Say "deleted" only once a read by name agrees (a few reads at most).
 */
async function untilGoneByName(cfn: CloudFormationClient, stackName: string, pollMs: number): Promise<void> {
  for (let read = 1; read <= 10; read++) {
    if (!(await describeStack(cfn, stackName))) return;
    await defaultSleep(pollMs);
  }
}

async function confirmProduction(
  ui: Interaction,
  stackName: string,
  given: string | undefined,
): Promise<void> {
  if (given !== undefined) {
    if (given === stackName) return;
    throw new UserError(
      `--confirm "${given}" does not match the stack name ${stackName}. Nothing was deleted.`,
      {
        code: 'ConfirmationRequired',
        exitCode: ExitCode.USAGE,
      },
    );
  }
  if (!ui.interactive) {
    throw new UserError(
      `Destroying the Production stack ${stackName} needs its name typed; --yes is not enough.`,
      {
        code: 'ConfirmationRequired',
        exitCode: ExitCode.USAGE,
        suggestion: `Run it in a terminal, or pass --confirm ${stackName}.`,
      },
    );
  }
  const typed = await ui.askText(`Type the stack name (${stackName}) to delete the Production stack:`);
  if (typed.trim() !== stackName) throw new CancelledError('The name did not match. Nothing was deleted.');
}

/** Physical names of the stack's S3 buckets that CloudFormation deletes with it (not retained). */
function deletedBuckets(
  templateBody: string | undefined,
  resources: Array<{ LogicalResourceId?: string; PhysicalResourceId?: string; ResourceType?: string }>,
): string[] {
  const policies = deletionPolicies(templateBody);
  return resources
    .filter(
      (r) =>
        r.ResourceType === 'AWS::S3::Bucket' &&
        r.PhysicalResourceId &&
        !RETAINING.has(policies.get(r.LogicalResourceId ?? '') ?? 'Delete'),
    )
    .map((r) => r.PhysicalResourceId as string);
}

const RETAINING = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);

function deletionPolicies(templateBody: string | undefined): Map<string, string> {
  try {
    const template = JSON.parse(templateBody ?? '{}') as {
      Resources?: Record<string, { DeletionPolicy?: string }>;
    };
    return new Map(
      Object.entries(template.Resources ?? {}).map(([id, r]) => [id, r.DeletionPolicy ?? 'Delete']),
    );
  } catch {
    return new Map();
  }
}

type TemplateResource = {
  Type?: string;
  DeletionPolicy?: string;
  Properties?: { FunctionName?: unknown };
};

function retainedResources(
  templateBody: string | undefined,
  resources: Array<{ LogicalResourceId?: string; PhysicalResourceId?: string; ResourceType?: string }>,
): RetainedResource[] {
  let template: { Resources?: Record<string, TemplateResource> } = {};
  try {
    template = JSON.parse(templateBody ?? '{}');
  } catch {
    return [];
  }
  const all = template.Resources ?? {};
  const retains = (r: TemplateResource | undefined) => RETAINING.has(r?.DeletionPolicy ?? 'Delete');
  const physical = new Map(resources.map((r) => [r.LogicalResourceId, r.PhysicalResourceId]));
  return Object.entries(all)
    .filter(([, r]) => retains(r))
    .filter(([, r]) => {
      // A retained Lambda version still goes when Lambda deletes its function (versions live in it).
      if (r.Type !== 'AWS::Lambda::Version') return true;
      const fn = (r.Properties?.FunctionName as { Ref?: string } | undefined)?.Ref;
      return fn === undefined || retains(all[fn]);
    })
    .map(([logicalId, r]) => ({
      logicalId,
      type: r.Type ?? '',
      physicalId: physical.get(logicalId) ?? null,
      reason: retainReason(r),
    }));
}

function retainReason(r: TemplateResource): string {
  if (r.DeletionPolicy === 'Snapshot') return 'DeletionPolicy Snapshot: a final snapshot is kept';
  if (r.Type === 'AWS::IAM::Role') {
    return 'DeletionPolicy Retain: an account-level setting may use it (API Gateway CloudWatch logging for every REST API of the region); delete it when nothing does';
  }
  return 'DeletionPolicy Retain: it holds data or guards it; delete it yourself when you are sure';
}
