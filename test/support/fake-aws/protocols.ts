import { randomUUID } from 'node:crypto';
import { AwsError } from './errors.js';

/**
 * The three wire protocols the control-plane services speak: awsQuery (form-encoded request, XML
 * response: CloudFormation, STS), awsJson1_1 (CodeDeploy) and restJson1 (Lambda).
 */

// biome-ignore lint/suspicious/noExplicitAny: request members are dynamic by nature
export type Params = Record<string, any>;

/** `Parameters.member.1.ParameterKey=a&Capabilities.member.1=X` -> `{ Parameters: [{ ParameterKey: 'a' }], ... }` */
export function parseQuery(body: string): Params {
  const root: Params = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split('.');
    let node: Params = root;
    const last = path.pop() as string;
    for (const segment of path) {
      if (!node[segment] || typeof node[segment] !== 'object') node[segment] = {};
      node = node[segment];
    }
    node[last] = value;
  }
  return collapseLists(root) as Params;
}

function collapseLists(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const object = value as Params;
  const keys = Object.keys(object);
  if (
    keys.length === 1 &&
    (keys[0] === 'member' || keys[0] === 'entry') &&
    typeof object[keys[0]] === 'object'
  ) {
    const items = object[keys[0] as string] as Params;
    const list = Object.keys(items)
      .sort((a, b) => Number(a) - Number(b))
      .map((index) => collapseLists(items[index]));
    if (keys[0] === 'entry') {
      return Object.fromEntries(list.map((entry) => [(entry as Params).key, (entry as Params).value]));
    }
    return list;
  }
  for (const key of keys) object[key] = collapseLists(object[key]);
  return object;
}

/** A query list member that may be absent, empty (`Capabilities=`) or present. */
export function queryList<T = Params>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  return [];
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xmlValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${xmlValue(item)}</member>`).join('');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${xmlValue(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function queryResponse(action: string, xmlns: string, result: Params | undefined): string {
  const body = result === undefined ? '' : `<${action}Result>${xmlValue(result)}</${action}Result>`;
  return (
    `<${action}Response xmlns="${xmlns}">${body}` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function queryError(error: AwsError, xmlns: string): string {
  return (
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.sender}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}

/** Seconds since the epoch, as awsJson timestamps travel. */
export const epochSeconds = (ms: number) => ms / 1000;

/** Lambda's timestamp string format, e.g. 2026-11-25T19:54:00.000+0000. */
export const lambdaTimestamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

export function requireParam(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value null at '${lcFirst(name)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

const lcFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
