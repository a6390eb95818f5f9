import {
  type Change,
  type ChangeSetType,
  type CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { systemClock } from '../clock.js';
import { UserError } from '../errors.js';

export type ChangeAction = 'add' | 'modify' | 'remove' | 'replace' | 'import' | 'dynamic';

/** One row of the change table. */
export interface ChangeRow {
  action: ChangeAction;
  logicalId: string;
  type: string;
  /** True when data could be lost: a stateful resource removed or replaced. */
  destructive: boolean;
  /** Properties whose change forces or may force the replacement. */
  replacementCauses: string[];
}

/** Resource types that hold data or guard it: replacing or removing one loses it. */
export const STATEFUL_TYPES = new Set([
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::SNS::Topic',
]);

export interface ChangeSetRequest {
  stackName: string;
  changeSetName: string;
  type: ChangeSetType;
  templateBody?: string | undefined;
  templateUrl?: string | undefined;
  parameters: Record<string, string>;
  tags: Record<string, string>;
}

export interface CreatedChangeSet {
  id: string;
  stackId: string;
  /** False when CloudFormation found nothing to change. */
  hasChanges: boolean;
  rows: ChangeRow[];
}

export async function createChangeSet(
  cfn: CloudFormationClient,
  request: ChangeSetRequest,
  options: { pollMs?: number | undefined; sleep?: typeof systemClock.sleep | undefined } = {},
): Promise<CreatedChangeSet> {
  const created = await cfn.send(
    new CreateChangeSetCommand({
      StackName: request.stackName,
      ChangeSetName: request.changeSetName,
      ChangeSetType: request.type,
      TemplateBody: request.templateBody,
      TemplateURL: request.templateUrl,
      Parameters: Object.entries(request.parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })),
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      Description: 'serverless-infra deploy',
    }),
  );
  const id = created.Id as string;
  const described = await waitForChangeSet(cfn, request.stackName, id, options);
  if (described.status === 'FAILED') {
    if (isEmptyChangeSet(described.reason)) {
      await cfn.send(new DeleteChangeSetCommand({ StackName: request.stackName, ChangeSetName: id }));
      return { id, stackId: created.StackId ?? '', hasChanges: false, rows: [] };
    }
    throw new UserError(`CloudFormation rejected the change set: ${described.reason ?? 'no reason given'}`, {
      code: 'ChangeSetFailed',
      suggestion: 'Fix the template or parameters named above; `serverless-infra diff` shows the change.',
    });
  }
  // Complete but not executable: OBSOLETE once another operation changed the stack in the meantime
  // (DescribeChangeSet: "in an OBSOLETE state because the stack was already updated").
  if (described.execution !== undefined && described.execution !== 'AVAILABLE') {
    throw new UserError(
      `The change set cannot be executed: its execution status is ${described.execution}${described.execution === 'OBSOLETE' ? ' (another operation changed the stack meanwhile)' : ''}.`,
      {
        code: 'ChangeSetNotExecutable',
        suggestion: 'Run the command again: it compares with the stack as it is now.',
      },
    );
  }
  return { id, stackId: created.StackId ?? '', hasChanges: true, rows: changeRows(described.changes) };
}

export function isEmptyChangeSet(reason: string | undefined): boolean {
  return /didn't contain changes|No updates are to be performed|does not contain changes/i.test(reason ?? '');
}

async function waitForChangeSet(
  cfn: CloudFormationClient,
  stackName: string,
  id: string,
  options: { pollMs?: number | undefined; sleep?: typeof systemClock.sleep | undefined },
): Promise<{
  status: string;
  execution?: string | undefined;
  reason?: string | undefined;
  changes: Change[];
}> {
  const sleep = options.sleep ?? systemClock.sleep;
  let interval = options.pollMs ?? 500;
  for (;;) {
    const pages: DescribeChangeSetCommandOutput[] = [];
    let token: string | undefined;
    do {
      const page = await cfn.send(
        new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: id, NextToken: token }),
      );
      pages.push(page);
      token = page.NextToken;
    } while (token);
    const first = pages[0] as DescribeChangeSetCommandOutput;
    if (first.Status === 'CREATE_COMPLETE' || first.Status === 'FAILED') {
      return {
        status: first.Status,
        execution: first.ExecutionStatus,
        reason: first.StatusReason,
        changes: pages.flatMap((p) => p.Changes ?? []),
      };
    }
    await sleep(interval);
    interval = Math.min(interval * 1.5, 5000);
  }
}

export function changeRows(changes: Change[]): ChangeRow[] {
  return changes.flatMap((change) => {
    const rc = change.ResourceChange;
    if (!rc?.LogicalResourceId) return [];
    const type = rc.ResourceType ?? '';
    const replace = rc.Action === 'Modify' && (rc.Replacement === 'True' || rc.Replacement === 'Conditional');
    const action: ChangeAction = replace
      ? 'replace'
      : rc.Action === 'Add'
        ? 'add'
        : rc.Action === 'Remove'
          ? 'remove'
          : rc.Action === 'Import'
            ? 'import'
            : rc.Action === 'Dynamic'
              ? 'dynamic'
              : 'modify';
    // A property that a changed parameter feeds appears twice, as a Static and a Dynamic change (AWS's
    // change set examples): name each cause once.
    const replacementCauses = [
      ...new Set(
        (rc.Details ?? [])
          .filter((d) => d.Target?.RequiresRecreation && d.Target.RequiresRecreation !== 'Never')
          .map((d) => d.Target?.Name ?? d.Target?.Attribute ?? '')
          .filter(Boolean),
      ),
    ];
    // A removed resource with a Retain policy keeps its data; CloudFormation flags that with PolicyAction.
    const retained = rc.PolicyAction === 'Retain' || rc.PolicyAction === 'Snapshot';
    const destructive = STATEFUL_TYPES.has(type) && (replace || (rc.Action === 'Remove' && !retained));
    return [{ action, logicalId: rc.LogicalResourceId, type, destructive, replacementCauses }];
  });
}

export function destructiveRows(rows: ChangeRow[]): ChangeRow[] {
  return rows.filter((r) => r.destructive);
}

export async function executeChangeSet(
  cfn: CloudFormationClient,
  stackName: string,
  id: string,
): Promise<void> {
  await cfn.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: id }));
}

export async function deleteChangeSet(
  cfn: CloudFormationClient,
  stackName: string,
  id: string,
): Promise<void> {
  try {
    await cfn.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: id }));
  } catch {
    // Best effort: an unexecuted change set changes nothing.
  }
}

const SYMBOL: Record<ChangeAction, string> = {
  add: '+',
  modify: '~',
  remove: '-',
  replace: '±',
  import: '←',
  dynamic: '?',
};

/**
 * The change table as plain text lines. On a terminal (`columns`), a long logical id (a Lambda version's
 * carries a hash) is shortened in the middle so that each row fits and its end — the replacement cause and
 * the DATA LOSS flag — stays visible.
 */
export function formatChangeRows(rows: ChangeRow[], columns?: number | undefined): string[] {
  if (rows.length === 0) return ['  (no resource changes)'];
  // The type first: its width is bounded, while logical ids are not.
  const typeWidth = Math.max(...rows.map((r) => r.type.length));
  return rows.map((r) => {
    const why = r.replacementCauses.length > 0 ? `  (because of ${r.replacementCauses.join(', ')})` : '';
    const flag = r.destructive ? '  ⚠ DATA LOSS' : '';
    const head = `  ${SYMBOL[r.action]} ${r.action.padEnd(8)} ${r.type.padEnd(typeWidth)}  `;
    const room = columns ? columns - head.length - why.length - flag.length : Number.POSITIVE_INFINITY;
    return `${head}${elide(r.logicalId, room)}${why}${flag}`;
  });
}

/** `text` in at most `room` characters: its start and end kept, an ellipsis between (at least 8 shown). */
export function elide(text: string, room: number): string {
  if (text.length <= room) return text;
  const keep = Math.max(8, room) - 1;
  return `${text.slice(0, Math.ceil(keep / 2))}…${text.slice(text.length - Math.floor(keep / 2))}`;
}
