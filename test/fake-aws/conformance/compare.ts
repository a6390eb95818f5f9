import { isPlaceholder, MASKED_TIMES } from '../../conformance/support/botocore.js';

/**
 * Field-by-field comparison of the fake's answers with recorded (or documented) AWS answers, both as the
 * real SDK parses them. Ids, ARNs, names and times are compared by presence only (each side has its own);
 * LocalStack's placeholders (`<stack-name:1>`, `111111111111`, "datetime") match any value; messages match
 * with their placeholders as wildcards.
 */
export interface Answer {
  output?: Record<string, unknown>;
  error?: { name: string; message: string; status: number };
}

/** A call the fake cannot be driven through, and why. */
export interface Skipped {
  skipped: string;
}

export type Step = Answer | Skipped;

export interface Difference {
  /** Where: `Stacks[0].Parameters`; stable across runs (no values). */
  path: string;
  /** What: the recorded and the fake's value. */
  detail: string;
}

export interface CompareOptions {
  /** Members the fake has and the recording has not are differences (recorded fixtures). */
  extras: boolean;
  /** Paths (prefixes) whose values the fixture calls its own: compared by presence only. */
  ours?: string[];
  /** Paths where the recording masked a number (`"CodeSize": "<code-size>"`): present, value unknown. */
  masked?: Set<string>;
}

/** The paths of a recorded answer whose values are placeholders (see CompareOptions.masked). */
export function maskedPaths(value: unknown, path = '', into = new Set<string>()): Set<string> {
  if (masked(value)) into.add(path);
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) maskedPaths(item, `${path}[${i}]`, into);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) maskedPaths(v, path ? `${path}.${k}` : k, into);
  }
  return into;
}

/** Members whose values are each side's own (ids, ARNs, times, hashes, random names). */
const IDENTITY = new Set([
  'StackId',
  'ChangeSetId',
  'Id',
  'EventId',
  'PhysicalResourceId',
  'CreationTime',
  'LastUpdatedTime',
  'DeletionTime',
  'Timestamp',
  'LastUpdatedTimestamp',
  'FunctionArn',
  'AliasArn',
  'RevisionId',
  'CodeSha256',
  'CodeSize',
  'LastModified',
  'Role',
  'KMSKeyArn',
  'RuntimeVersionArn',
  'NextMarker',
  'NextToken',
  'Arn',
  'UserId',
  'deploymentId',
  'deploymentGroupId',
  'applicationId',
  'serviceRoleArn',
  'createTime',
  'startTime',
  'completeTime',
  'endTime',
  'lastUpdatedAt',
  'targetId',
  'targetIds',
  'targetArn',
  'sha256',
  'deployments',
  'rollbackDeploymentId',
  'rollbackTriggeringDeploymentId',
]);

const stringify = (value: unknown) =>
  value instanceof Date ? value.toISOString() : value === undefined ? 'absent' : JSON.stringify(value);

/** A recorded string with placeholders, as a pattern: each placeholder (and the masked account) matches anything. */
function pattern(recorded: string): RegExp {
  const source = recorded
    .split(/(<[^<>]+>|111111111111|resource-status-reason)/)
    .map((part, i) => (i % 2 === 1 ? '.+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's');
}

function masked(value: unknown): boolean {
  return (
    isPlaceholder(value) ||
    (typeof value === 'string' && (value === 'resource-status-reason' || MASKED_TIMES.has(value)))
  );
}

export function compareAnswer(expected: Answer, actual: Answer, options: CompareOptions): Difference[] {
  if (expected.error || actual.error) {
    if (!actual.error)
      return [{ path: 'error', detail: `AWS answered ${expected.error?.name}, the fake succeeded` }];
    if (!expected.error) {
      return [
        {
          path: 'error',
          detail: `AWS succeeded, the fake answered ${actual.error.name}: ${actual.error.message}`,
        },
      ];
    }
    const differences: Difference[] = [];
    if (expected.error.name !== actual.error.name) {
      differences.push({
        path: 'error.code',
        detail: `AWS ${expected.error.name}, fake ${actual.error.name}`,
      });
    }
    if (expected.error.status !== actual.error.status) {
      differences.push({
        path: 'error.status',
        detail: `AWS ${expected.error.status}, fake ${actual.error.status}`,
      });
    }
    if (expected.error.message && !pattern(expected.error.message).test(actual.error.message)) {
      differences.push({
        path: 'error.message',
        detail: `AWS "${expected.error.message}", fake "${actual.error.message}"`,
      });
    }
    return differences;
  }
  return compareValue(expected.output ?? {}, actual.output ?? {}, '', options);
}

function compareValue(
  expected: unknown,
  actual: unknown,
  path: string,
  options: CompareOptions,
): Difference[] {
  const key =
    path
      .split('.')
      .at(-1)
      ?.replace(/\[\d+\]$/, '') ?? '';
  const ours = options.ours?.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
  if (actual === undefined) return [{ path, detail: `missing (AWS: ${stringify(expected)})` }];
  if (masked(expected) || IDENTITY.has(key) || ours) return [];
  if (typeof expected === 'string' && typeof actual === 'string') {
    const json = parseJson(expected);
    const actualJson = parseJson(actual);
    if (json !== undefined && actualJson !== undefined && typeof json === 'object') {
      return compareValue(json, actualJson, path, { ...options, extras: true });
    }
    return pattern(expected).test(actual)
      ? []
      : [{ path, detail: `AWS ${stringify(expected)}, fake ${stringify(actual)}` }];
  }
  if (expected instanceof Date || actual instanceof Date) return [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ path, detail: `AWS a list, fake ${stringify(actual)}` }];
    const [left, right] = [ordered(expected, key), ordered(actual, key)];
    if (left.length !== right.length) {
      return [
        {
          path,
          detail: `AWS ${left.length} item(s) ${summary(left)}, fake ${right.length} ${summary(right)}`,
        },
      ];
    }
    return left.flatMap((item, i) => compareValue(item, right[i], `${path}[${i}]`, options));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object')
      return [{ path, detail: `AWS an object, fake ${stringify(actual)}` }];
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const differences = Object.keys(e).flatMap((k) =>
      compareValue(e[k], a[k], path ? `${path}.${k}` : k, options),
    );
    if (options.extras) {
      for (const k of Object.keys(a)) {
        if (!(k in e) && a[k] !== undefined && !options.masked?.has(path ? `${path}.${k}` : k)) {
          differences.push({ path: path ? `${path}.${k}` : k, detail: `extra (fake: ${stringify(a[k])})` });
        }
      }
    }
    return differences;
  }
  return expected === actual
    ? []
    : [{ path, detail: `AWS ${stringify(expected)}, fake ${stringify(actual)}` }];
}

/** Lists whose order carries no meaning are compared sorted (the change set's changes, a change's details). */
function ordered(list: unknown[], key: string): unknown[] {
  if (key === 'Changes') {
    const id = (c: unknown) =>
      String((c as { ResourceChange?: { LogicalResourceId?: string } }).ResourceChange?.LogicalResourceId);
    return [...list].sort((x, y) => id(x).localeCompare(id(y)));
  }
  if (key === 'Details' || key === 'Capabilities') {
    return [...list].sort((x, y) => canonical(x).localeCompare(canonical(y)));
  }
  return list;
}

/** JSON with sorted keys: the same value whatever order its members came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${k}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function summary(list: unknown[]): string {
  const names = list.map((item) =>
    item && typeof item === 'object'
      ? String(
          (item as Record<string, unknown>).LogicalResourceId ??
            (item as { ResourceChange?: { LogicalResourceId?: string } }).ResourceChange?.LogicalResourceId ??
            (item as Record<string, unknown>).Version ??
            '…',
        )
      : stringify(item),
  );
  return `[${names.join(', ')}]`;
}

function parseJson(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A stack's events as the recordings keep them: (resource, status[, reason]) oldest first, the stack's own
 * logical id as `<stack>`; `collapse` merges a resource's repeated status (LocalStack's
 * capture_resource_state_changes) and `drop` leaves out statuses a recording did not keep.
 */
export function eventSequence(
  events: Array<Record<string, unknown>>,
  options: { collapse?: boolean; drop?: string[]; reasons?: boolean } = {},
): string[] {
  const lines: string[] = [];
  const last = new Map<string, string>();
  for (const event of [...events].reverse()) {
    const stack = event.ResourceType === 'AWS::CloudFormation::Stack';
    const id = stack ? '<stack>' : String(event.LogicalResourceId);
    const status = String(event.ResourceStatus);
    if (options.drop?.includes(status)) continue;
    if (options.collapse && last.get(id) === status) continue;
    last.set(id, status);
    const reason = options.reasons && event.ResourceStatusReason ? ` "${event.ResourceStatusReason}"` : '';
    lines.push(`${id} ${status}${reason}`);
  }
  return lines;
}
