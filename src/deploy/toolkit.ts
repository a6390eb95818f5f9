import { DeleteStackCommand, type Stack } from '@aws-sdk/client-cloudformation';
import type { AwsClients } from '../aws/clients.js';
import { stagingBucketName, TOOLKIT_STACK_NAME } from '../stack-contract.js';
import { createChangeSet, executeChangeSet } from './change-set.js';
import { failureError, type OperationContext, prepareStack, startAndFollow } from './stack-operation.js';
import { templateBody } from './stack-source.js';
import { conditionOf, describeStack, stackOutputs } from './stack-state.js';
import { TOOLKIT_VERSION, toolkitStackSource } from './toolkit-stack.js';

/**
 * The toolkit stack (its staging bucket) in this account and region, deployed by this same engine. A
 * current one costs one DescribeStacks and one HeadBucket: the stack's outputs are not trusted alone, since a
 * bucket deleted by hand leaves the stack as it was, and publishing would then fail on every deploy. Such a
 * stack is deleted (its bucket is retained, and gone) and created again.
 */
export async function ensureToolkit(
  ctx: OperationContext,
  clients: AwsClients,
  account: string,
  options: { pollMs?: number | undefined; sleep?: OperationContext['sleep'] },
): Promise<void> {
  let stack: Stack | undefined = await describeStack(ctx.cfn, TOOLKIT_STACK_NAME);
  const current =
    stack && conditionOf(stack.StackStatus) === 'ready' && stackOutputs(stack).Version === TOOLKIT_VERSION;
  const bucket = stagingBucketName(account, clients.region);
  if (stack && current && (await bucketExists(clients, bucket))) return;
  if (stack && current) {
    ctx.ui.warn(
      `The staging bucket ${bucket} is gone: creating the toolkit stack ${TOOLKIT_STACK_NAME} again.`,
    );
    const deleted = await startAndFollow(
      ctx,
      { stackName: TOOLKIT_STACK_NAME, title: `Deleting ${TOOLKIT_STACK_NAME}`, cancellable: false },
      () => ctx.cfn.send(new DeleteStackCommand({ StackName: TOOLKIT_STACK_NAME })),
    );
    if (deleted.followed === 'detached' || deleted.stackStatus !== 'DELETE_COMPLETE') {
      throw failureError(TOOLKIT_STACK_NAME, deleted, 'Repairing the toolkit stack');
    }
    stack = undefined;
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
    options,
  );
  if (!changeSet.hasChanges) return;
  const followed = await startAndFollow(
    ctx,
    {
      stackName: TOOLKIT_STACK_NAME,
      expected: changeSet.rows.length,
      title: `${type === 'CREATE' ? 'Creating' : 'Updating'} ${TOOLKIT_STACK_NAME}`,
      cancellable: false,
    },
    () => executeChangeSet(ctx.cfn, TOOLKIT_STACK_NAME, changeSet.id),
  );
  if (
    followed.followed === 'detached' ||
    !['CREATE_COMPLETE', 'UPDATE_COMPLETE'].includes(followed.stackStatus ?? '')
  ) {
    throw failureError(TOOLKIT_STACK_NAME, followed, 'The toolkit stack');
  }
}

async function bucketExists(clients: AwsClients, bucket: string): Promise<boolean> {
  const { HeadBucketCommand } = await import('@aws-sdk/client-s3');
  try {
    await (await clients.s3()).send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NotFound' || e.name === 'NoSuchBucket' || e.$metadata?.httpStatusCode === 404)
      return false;
    throw error;
  }
}
