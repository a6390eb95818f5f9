import { isPlaceholder, MASKED_TIMES, type Model, type Shape } from './botocore.js';

/**
 * Turns a fixture's answer into the bytes AWS would send, in the service's own protocol (awsQuery XML for
 * CloudFormation and STS, awsJson for CodeDeploy, restJson for Lambda), driven by botocore's shapes, so
 * the real SDK deserializers parse it exactly as they parse AWS.
 */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface WireError {
  code: string;
  message: string;
  httpStatus?: number | undefined;
}

/** Where replayed masked timestamps start (any fixed instant: the recordings hide the real ones). */
export const REPLAY_EPOCH = Date.parse('2026-01-01T00:00:00.000Z');

/**
 * Makes a recorded answer concrete where the recording masked it:
 * - a masked timestamp becomes REPLAY_EPOCH; in a StackEvents list (newest first, as AWS lists them) the
 *   events get one second each, the oldest first, so their order survives;
 * - a masked EventId (`<uuid:1>`, `Bucket-CREATE_COMPLETE-date`) gets the event's position from the oldest
 *   appended, because the masking made different events look alike and the readers follow events by id;
 * - a masked number (`"CodeSize": "<code-size>"`) is left out: no number can stand for it.
 * Positions count from the oldest event, so a page that holds only the older events keeps the same ids.
 */
export function materialize(model: Model, shapeName: string, value: unknown): unknown {
  const shape = model.shapes[shapeName] as Shape;
  if (value === null || value === undefined) return value;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const member = shape.members?.[key];
        if (!member) continue;
        if (key === 'StackEvents' && Array.isArray(item)) {
          out[key] = item.map((event, i) => stackEvent(model, member.shape, event, item.length - 1 - i));
          continue;
        }
        const concrete = materialize(model, member.shape, item);
        if (concrete !== undefined) out[key] = concrete;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((item) => materialize(model, shape.member?.shape ?? '', item));
    case 'map':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          materialize(model, shape.value?.shape ?? '', v),
        ]),
      );
    case 'timestamp':
      return typeof value === 'string' && MASKED_TIMES.has(value) ? new Date(REPLAY_EPOCH) : value;
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return isPlaceholder(value) ? undefined : value;
    default:
      return value;
  }
}

function stackEvent(model: Model, listShape: string, event: unknown, fromOldest: number): unknown {
  const itemShape = model.shapes[listShape]?.member?.shape ?? '';
  const concrete = materialize(model, itemShape, event) as Record<string, unknown>;
  const recorded = event as Record<string, unknown>;
  if (typeof recorded.Timestamp === 'string' && MASKED_TIMES.has(recorded.Timestamp)) {
    concrete.Timestamp = new Date(REPLAY_EPOCH + fromOldest * 1000);
  }
  const id = recorded.EventId;
  if (typeof id === 'string' && (id.includes('<') || id.endsWith('-date'))) {
    concrete.EventId = `${id}#${fromOldest}`;
  }
  return concrete;
}

export function serializeOutput(
  model: Model,
  operation: string,
  output: unknown,
  httpStatus?: number,
): WireResponse {
  const op = model.operations[operation];
  if (!op) throw new Error(`${model.service} has no operation ${operation}`);
  const shapeName = op.output?.shape;
  const value = shapeName ? materialize(model, shapeName, output ?? {}) : {};
  switch (model.metadata.protocol) {
    case 'query': {
      const ns = model.metadata.xmlNamespace ?? '';
      const result = shapeName
        ? `<${op.output?.resultWrapper ?? `${operation}Result`}>${xmlMembers(model, shapeName, value)}</${
            op.output?.resultWrapper ?? `${operation}Result`
          }>`
        : '';
      return {
        status: httpStatus ?? 200,
        headers: { 'content-type': 'text/xml' },
        body: `<${operation}Response xmlns="${ns}">${result}<ResponseMetadata><RequestId>replay</RequestId></ResponseMetadata></${operation}Response>`,
      };
    }
    case 'json':
      return {
        status: httpStatus ?? 200,
        headers: { 'content-type': `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}` },
        body: JSON.stringify(shapeName ? toJson(model, shapeName, value) : {}),
      };
    case 'rest-json': {
      const shape = shapeName ? (model.shapes[shapeName] as Shape) : undefined;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const body: Record<string, unknown> = {};
      // An output whose body is one member (Lambda Invoke's Payload blob): that member's bytes as they are.
      const payload = (shape as { payload?: string } | undefined)?.payload;
      let raw: string | undefined;
      let status = httpStatus ?? op.http.responseCode ?? 200;
      for (const [key, item] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        const member = shape?.members?.[key];
        if (!member || item === undefined) continue;
        if (key === payload) raw = String(item);
        else if (member.location === 'header')
          headers[(member.locationName ?? key).toLowerCase()] = String(item);
        else if (member.location === 'statusCode') status = Number(item);
        else if (!member.location) body[key] = toJson(model, member.shape, item);
      }
      return { status, headers, body: raw ?? JSON.stringify(body) };
    }
    default:
      throw new Error(`replaying ${model.metadata.protocol} (${model.service}) is not implemented`);
  }
}

export function serializeError(model: Model, error: WireError): WireResponse {
  const status = error.httpStatus ?? 400;
  switch (model.metadata.protocol) {
    case 'query':
      return {
        status,
        headers: { 'content-type': 'text/xml' },
        body:
          `<ErrorResponse xmlns="${model.metadata.xmlNamespace ?? ''}"><Error><Type>Sender</Type>` +
          `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
          '<RequestId>replay</RequestId></ErrorResponse>',
      };
    case 'json':
      return {
        status,
        headers: { 'content-type': `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}` },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    case 'rest-json':
      return {
        status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
        body: JSON.stringify({ Type: 'User', Message: error.message }),
      };
    default:
      throw new Error(`replaying ${model.metadata.protocol} (${model.service}) is not implemented`);
  }
}

/** Which operation a request calls, read the way the service reads it. */
export function operationOf(model: Model, method: string, path: string, headers: Headers, body: string) {
  switch (model.metadata.protocol) {
    case 'query':
      return new URLSearchParams(body).get('Action') ?? undefined;
    case 'json':
      return headers.get('x-amz-target')?.split('.').at(-1);
    case 'rest-json': {
      const matches = Object.values(model.operations).filter(
        (op) => op.http.method === method && uriPattern(op.http.requestUri).test(path),
      );
      // The most specific route wins (`/functions/{F}/versions` over `/functions/{F+}`).
      matches.sort((a, b) => literalLength(b.http.requestUri) - literalLength(a.http.requestUri));
      return matches[0]?.name;
    }
    default:
      return undefined;
  }
}

function uriPattern(requestUri: string): RegExp {
  const path = requestUri.split('?')[0] as string;
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (/^\{[^}]+\+\}$/.test(part)) return '(.+)';
      if (/^\{[^}]+\}$/.test(part)) return '([^/]+)';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}

function literalLength(requestUri: string): number {
  return (requestUri.split('?')[0] as string).replace(/\{[^}]+\}/g, '').length;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlMembers(model: Model, shapeName: string, value: unknown): string {
  const shape = model.shapes[shapeName] as Shape;
  return Object.entries((value ?? {}) as Record<string, unknown>)
    .map(([key, item]) => {
      const member = shape.members?.[key];
      if (!member || item === undefined || item === null) return '';
      const tag = member.locationName ?? key;
      const memberShape = model.shapes[member.shape] as Shape;
      if (memberShape.type === 'list' && memberShape.flattened) {
        return (item as unknown[])
          .map((i) => `<${tag}>${xml(model, memberShape.member?.shape ?? '', i)}</${tag}>`)
          .join('');
      }
      return `<${tag}>${xml(model, member.shape, item)}</${tag}>`;
    })
    .join('');
}

function xml(model: Model, shapeName: string, value: unknown): string {
  const shape = model.shapes[shapeName] as Shape;
  switch (shape.type) {
    case 'structure':
      return xmlMembers(model, shapeName, value);
    case 'list': {
      const tag = shape.member?.locationName ?? 'member';
      return (value as unknown[])
        .map((item) => `<${tag}>${xml(model, shape.member?.shape ?? '', item)}</${tag}>`)
        .join('');
    }
    case 'map': {
      const k = shape.key?.locationName ?? 'key';
      const v = shape.value?.locationName ?? 'value';
      return Object.entries(value as Record<string, unknown>)
        .map(
          ([key, item]) =>
            `<entry><${k}>${escapeXml(key)}</${k}><${v}>${xml(model, shape.value?.shape ?? '', item)}</${v}></entry>`,
        )
        .join('');
    }
    case 'timestamp':
      return timestamp(value).toISOString();
    default:
      return escapeXml(String(value));
  }
}

function toJson(model: Model, shapeName: string, value: unknown): unknown {
  const shape = model.shapes[shapeName] as Shape;
  if (value === null || value === undefined) return value;
  switch (shape.type) {
    case 'structure':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([key, item]) => shape.members?.[key] && item !== undefined)
          .map(([key, item]) => [key, toJson(model, shape.members?.[key]?.shape ?? '', item)]),
      );
    case 'list':
      return (value as unknown[]).map((item) => toJson(model, shape.member?.shape ?? '', item));
    case 'map':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          toJson(model, shape.value?.shape ?? '', v),
        ]),
      );
    case 'timestamp':
      return timestamp(value).getTime() / 1000;
    default:
      return value;
  }
}

/** A fixture's timestamp: epoch seconds (as the AWS CLI prints them), ISO 8601 text, or a Date. */
function timestamp(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  return new Date(String(value));
}
