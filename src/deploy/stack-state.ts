import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type Stack,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';

/** What the engine must do about a stack's current status before it can change it. */
export type StackCondition =
  | 'absent' // no stack: CREATE
  | 'review' // REVIEW_IN_PROGRESS: a change set was created but never executed: still CREATE
  | 'ready' // a stable state an UPDATE can start from
  | 'busy' // another operation is running: wait or refuse
  | 'rollback-complete' // a failed create: must be deleted before it can be created again
  | 'update-rollback-failed' // needs ContinueUpdateRollback
  | 'broken'; // another failed state (DELETE_FAILED, ROLLBACK_FAILED, …): needs a person

const READY = new Set<string>([
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
]);

/** States the no-op fast path may trust: the deployed template is the one we last asked for. */
export const SETTLED_AFTER_SUCCESS = new Set<string>([
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'IMPORT_COMPLETE',
]);

export function conditionOf(status: StackStatus | string | undefined): StackCondition {
  if (status === undefined || status === 'DELETE_COMPLETE') return 'absent';
  if (status === 'REVIEW_IN_PROGRESS') return 'review';
  if (READY.has(status)) return 'ready';
  if (status === 'ROLLBACK_COMPLETE') return 'rollback-complete';
  if (status === 'UPDATE_ROLLBACK_FAILED') return 'update-rollback-failed';
  if (status.endsWith('_IN_PROGRESS')) return 'busy';
  return 'broken';
}

/**
 * An operation is running on the stack: it will change by itself. REVIEW_IN_PROGRESS is not one: it is a
 * resting state (a CREATE change set created and never executed) that nothing changes by itself; it may be
 * deleted, or a CREATE change set executed (AWS's "stack status codes"; test/conformance fixtures).
 */
export function isInProgress(status: string | undefined): boolean {
  return Boolean(status?.endsWith('_IN_PROGRESS')) && status !== 'REVIEW_IN_PROGRESS';
}

/** The stack, or undefined when CloudFormation says it does not exist. One DescribeStacks call. */
export async function describeStack(
  cfn: CloudFormationClient,
  stackName: string,
): Promise<Stack | undefined> {
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    return stack && stack.StackStatus !== 'DELETE_COMPLETE' ? stack : undefined;
  } catch (error) {
    if (isMissingStack(error)) return undefined;
    throw error;
  }
}

export function isMissingStack(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ValidationError' && /does not exist/i.test(e.message ?? '');
}

export function stackOutputs(stack: Stack | undefined): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const o of stack?.Outputs ?? []) if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? '';
  return outputs;
}

/** The account id, read from the stack's ARN (arn:aws:cloudformation:<region>:<account>:stack/…). */
export function accountOfStack(stack: Stack | undefined): string | undefined {
  return stack?.StackId?.split(':')[4];
}
