import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';

/**
 * Checks responses against botocore's service models (the ones on this machine): the operation's output
 * shape, member by member (required members present, no unknown members, types, enums), and error codes
 * against what the operation may return.
 */
interface Shape {
  type: string;
  members?: Record<string, { shape: string; location?: string; locationName?: string }>;
  required?: string[];
  member?: { shape: string; locationName?: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  flattened?: boolean;
  error?: { code?: string };
}

export interface Model {
  metadata: { protocol: string };
  operations: Record<
    string,
    { output?: { shape: string; resultWrapper?: string }; errors?: { shape: string }[] }
  >;
  shapes: Record<string, Shape>;
}

let botocoreDir: string | undefined;

export function loadModel(service: string): Model {
  botocoreDir ??= execFileSync('python3', [
    '-c',
    'import botocore,os;print(os.path.dirname(botocore.__file__))',
  ])
    .toString()
    .trim();
  const serviceDir = join(botocoreDir, 'data', service);
  const version = readdirSync(serviceDir)
    .filter((v) => /^\d{4}-\d\d-\d\d$/.test(v))
    .sort()
    .at(-1) as string;
  const file = join(serviceDir, version, 'service-2.json');
  const text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : gunzipSync(readFileSync(`${file}.gz`)).toString();
  return JSON.parse(text) as Model;
}

const COMMON_ERRORS = new Set([
  'ValidationError',
  'ValidationException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'ExpiredToken',
  'ExpiredTokenException',
  'AccessDenied',
  'InvalidAction',
]);

/** Problems found in one response (empty when it matches the model). */
export function checkResponse(
  model: Model,
  operation: string,
  status: number,
  body: string,
  errorType?: string,
): string[] {
  const op = model.operations[operation];
  if (!op) return [`${operation}: not an operation of this service`];
  const protocol = model.metadata.protocol;
  if (status >= 300) return checkError(model, operation, protocol, body, errorType);
  if (!op.output) return [];
  // An output whose body is one blob member (Lambda Invoke's Payload: the function's answer, any bytes).
  const output = model.shapes[op.output.shape] as { payload?: string } | undefined;
  if (output?.payload) return [];
  const problems: string[] = [];
  if (protocol === 'query') {
    const parsed = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: false }).parse(
      body,
    );
    const root = parsed[`${operation}Response`];
    if (!root) return [`${operation}: no ${operation}Response element`];
    const result = root[op.output.resultWrapper ?? `${operation}Result`] ?? {};
    checkXml(model, op.output.shape, result === '' ? {} : result, operation, problems);
  } else {
    const value = body === '' ? {} : JSON.parse(body);
    checkJson(model, op.output.shape, value, operation, problems, protocol === 'rest-json');
  }
  return problems;
}

function checkError(
  model: Model,
  operation: string,
  protocol: string,
  body: string,
  errorType?: string,
): string[] {
  let code: string | undefined;
  if (protocol === 'query') {
    code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
    if (!/<ErrorResponse[^>]*><Error><Type>(Sender|Receiver)<\/Type>/.test(body))
      return [`${operation}: error body is not an ErrorResponse`];
  } else {
    const parsed = JSON.parse(body || '{}');
    code = errorType ?? parsed.__type ?? parsed.code;
    if (!code) return [];
  }
  const allowed = new Set(
    (model.operations[operation]?.errors ?? []).flatMap(
      (e) => [e.shape, model.shapes[e.shape]?.error?.code].filter(Boolean) as string[],
    ),
  );
  if (code && !allowed.has(code) && !COMMON_ERRORS.has(code)) {
    return [
      `${operation}: error code ${code} is not one the operation declares (${[...allowed].join(', ')})`,
    ];
  }
  return [];
}

function checkXml(model: Model, shapeName: string, node: unknown, path: string, problems: string[]): void {
  const shape = model.shapes[shapeName] as Shape;
  switch (shape.type) {
    case 'structure': {
      if (node === '') return; // an empty structure: <RollbackConfiguration/>
      if (typeof node !== 'object' || node === null) {
        problems.push(`${path}: expected a structure, got ${JSON.stringify(node)}`);
        return;
      }
      const record = node as Record<string, unknown>;
      const names = Object.fromEntries(
        Object.entries(shape.members ?? {}).map(([name, m]) => [m.locationName ?? name, m]),
      );
      for (const required of shape.required ?? []) {
        const m = shape.members?.[required];
        if (!((m?.locationName ?? required) in record))
          problems.push(`${path}: missing required ${required}`);
      }
      for (const [key, value] of Object.entries(record)) {
        const member = names[key];
        if (!member) problems.push(`${path}: unknown member ${key}`);
        else checkXml(model, member.shape, value, `${path}.${key}`, problems);
      }
      return;
    }
    case 'list': {
      if (node === '') return;
      const items = (node as Record<string, unknown>)?.[shape.member?.locationName ?? 'member'];
      if (items === undefined) {
        problems.push(`${path}: list without <member> elements`);
        return;
      }
      (Array.isArray(items) ? items : [items]).forEach((item, index) => {
        checkXml(model, shape.member?.shape as string, item, `${path}[${index}]`, problems);
      });
      return;
    }
    case 'map': {
      if (node === '') return;
      const entries = (node as Record<string, unknown>)?.entry;
      for (const entry of Array.isArray(entries) ? entries : [entries]) {
        checkXml(
          model,
          shape.value?.shape as string,
          (entry as Record<string, unknown>)?.value,
          `${path}{}`,
          problems,
        );
      }
      return;
    }
    default:
      checkScalar(shape, node, path, problems, 'xml');
  }
}

function checkJson(
  model: Model,
  shapeName: string,
  value: unknown,
  path: string,
  problems: string[],
  rest: boolean,
): void {
  const shape = model.shapes[shapeName] as Shape;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push(`${path}: expected an object, got ${JSON.stringify(value)}`);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const required of shape.required ?? []) {
        const m = shape.members?.[required];
        if (rest && m?.location) continue;
        if (!(required in record)) problems.push(`${path}: missing required ${required}`);
      }
      for (const [key, item] of Object.entries(record)) {
        const member = shape.members?.[key];
        if (!member) problems.push(`${path}: unknown member ${key}`);
        else if (item !== null) checkJson(model, member.shape, item, `${path}.${key}`, problems, rest);
      }
      return;
    }
    case 'list':
      if (!Array.isArray(value)) problems.push(`${path}: expected a list`);
      else {
        for (const [i, item] of value.entries()) {
          checkJson(model, shape.member?.shape as string, item, `${path}[${i}]`, problems, rest);
        }
      }
      return;
    case 'map':
      if (typeof value !== 'object' || value === null) problems.push(`${path}: expected a map`);
      else
        for (const [k, v] of Object.entries(value))
          checkJson(model, shape.value?.shape as string, v, `${path}{${k}}`, problems, rest);
      return;
    default:
      checkScalar(shape, value, path, problems, 'json');
  }
}

/**
 * Values AWS sends that the model's enums omit. A stack's own events carry stack statuses
 * (REVIEW_IN_PROGRESS, UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, ...) in StackEvent.ResourceStatus.
 */
const MODEL_GAPS: Record<string, RegExp> = {
  ResourceStatus:
    /^(REVIEW_IN_PROGRESS|UPDATE_COMPLETE_CLEANUP_IN_PROGRESS|UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS)$/,
};

function checkScalar(
  shape: Shape,
  value: unknown,
  path: string,
  problems: string[],
  wire: 'xml' | 'json',
): void {
  const text = String(value);
  if (MODEL_GAPS[path.split('.').at(-1) as string]?.test(text)) return;
  switch (shape.type) {
    case 'string':
      if (wire === 'json' && typeof value !== 'string')
        problems.push(`${path}: expected a string, got ${JSON.stringify(value)}`);
      if (shape.enum && !shape.enum.includes(text))
        problems.push(`${path}: ${text} is not one of ${shape.enum.join('|')}`);
      return;
    case 'boolean':
      if (wire === 'json' ? typeof value !== 'boolean' : text !== 'true' && text !== 'false')
        problems.push(`${path}: expected a boolean, got ${text}`);
      return;
    case 'integer':
    case 'long':
      if (!/^-?\d+$/.test(text) || (wire === 'json' && typeof value !== 'number'))
        problems.push(`${path}: expected an integer, got ${text}`);
      return;
    case 'float':
    case 'double':
      if (Number.isNaN(Number(text)) || (wire === 'json' && typeof value !== 'number'))
        problems.push(`${path}: expected a number, got ${text}`);
      return;
    case 'timestamp':
      if (
        wire === 'json'
          ? typeof value !== 'number'
          : Number.isNaN(Date.parse(text)) || !/^\d{4}-\d\d-\d\dT/.test(text)
      ) {
        problems.push(`${path}: expected a timestamp, got ${text}`);
      }
      return;
    case 'blob':
      return;
    default:
      problems.push(`${path}: unexpected shape type ${shape.type}`);
  }
}

/** The fake's service names (SigV4 signing names) where botocore's directory is named otherwise. */
const BOTOCORE_NAMES: Record<string, string> = { tagging: 'resourcegroupstaggingapi' };

/** Collects every response of a fake (pass `onResponse` to startFakeAws) and checks them all at the end. */
export function responseChecker(): {
  onResponse: (record: ResponseRecordLike) => void;
  problems(): string[];
} {
  const records: ResponseRecordLike[] = [];
  const models = new Map<string, Model>();
  return {
    onResponse: (record) => records.push(record),
    problems: () =>
      // An injected transient fault (a load balancer's HTML page) is not the service's answer.
      records.flatMap((r) => {
        if (r.injected) return [];
        if (!models.has(r.service)) models.set(r.service, loadModel(BOTOCORE_NAMES[r.service] ?? r.service));
        return checkResponse(models.get(r.service) as Model, r.operation, r.status, r.body, r.errorType).map(
          (p) => `${r.service} ${p}`,
        );
      }),
  };
}

interface ResponseRecordLike {
  service: string;
  operation: string;
  status: number;
  body: string;
  errorType?: string;
  injected?: string;
}
