import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * botocore's service models (installed with python3 on this machine): the shapes a fixture must fit and
 * the wire protocol it is replayed in. Nobody here wrote them, which is why the corpus leans on them.
 */
export interface Member {
  shape: string;
  location?: string;
  locationName?: string;
}

export interface Shape {
  type: string;
  members?: Record<string, Member>;
  required?: string[];
  member?: Member;
  key?: Member;
  value?: Member;
  enum?: string[];
  flattened?: boolean;
  exception?: boolean;
  error?: { code?: string; httpStatusCode?: number };
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string; resultWrapper?: string };
  errors?: { shape: string }[];
}

export interface Model {
  service: string;
  metadata: {
    protocol: string;
    jsonVersion?: string;
    targetPrefix?: string;
    xmlNamespace?: string;
    serviceId: string;
  };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

let botocoreDir: string | undefined;
const cache = new Map<string, Model>();

export function botocoreVersion(): string {
  return execFileSync('python3', ['-c', 'import botocore;print(botocore.__version__)']).toString().trim();
}

/** The newest API version of a service (`cloudformation`, `cognito-idp`, …) as botocore ships it. */
export function loadModel(service: string): Model {
  const cached = cache.get(service);
  if (cached) return cached;
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
  const model = { service, ...(JSON.parse(text) as Omit<Model, 'service'>) };
  cache.set(service, model);
  return model;
}

/** Error codes every operation may answer without declaring them (the AWS common errors). */
const COMMON_ERRORS = new Set([
  'ValidationError',
  'ValidationException',
  'Throttling',
  'ThrottlingException',
  'AccessDenied',
  'AccessDeniedException',
]);

/** The SDK error's name for a wire code: the modelled exception whose code it is, or the code itself. */
export function sdkErrorName(model: Model, code: string): string {
  const shape = Object.entries(model.shapes).find(([, s]) => s.exception && s.error?.code === code);
  return shape ? shape[0] : code;
}

/** The error codes an operation declares: each error shape's wire code, or its name. */
export function declaredErrors(model: Model, operation: string): Set<string> {
  const codes = new Set(COMMON_ERRORS);
  // A HEAD request's error has no body: S3 answers the bare status, recorded as the code ("404", "403").
  if (model.operations[operation]?.http?.method === 'HEAD')
    for (const status of ['403', '404']) codes.add(status);
  for (const { shape } of model.operations[operation]?.errors ?? []) {
    codes.add(shape);
    const code = model.shapes[shape]?.error?.code;
    if (code) codes.add(code);
  }
  return codes;
}

/** A value LocalStack's transformers put where the recording had an id, a name or a time. */
export function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && (/^<[^<>]+>$/.test(value) || MASKED_TIMES.has(value));
}

/** How LocalStack's snapshots mask timestamps. */
export const MASKED_TIMES = new Set(['datetime', 'timestamp', 'date']);

/**
 * Problems with a value against an output shape: unknown members, wrong types, values outside an enum.
 * Placeholders pass wherever a scalar may stand (they are what the recording kept).
 */
export function checkShape(model: Model, shapeName: string, value: unknown, path: string): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${path}: no shape ${shapeName} in ${model.service}`];
  const problems: string[] = [];
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return [`${path}: expected a structure, got ${JSON.stringify(value)}`];
      }
      for (const [key, item] of Object.entries(value)) {
        const member = shape.members?.[key];
        if (!member) problems.push(`${path}: ${key} is not a member of ${shapeName}`);
        else if (item !== null) problems.push(...checkShape(model, member.shape, item, `${path}.${key}`));
      }
      return problems;
    }
    case 'list':
      if (!Array.isArray(value)) return [`${path}: expected a list`];
      return value.flatMap((item, i) => checkShape(model, shape.member?.shape ?? '', item, `${path}[${i}]`));
    case 'map':
      if (typeof value !== 'object' || value === null) return [`${path}: expected a map`];
      return Object.entries(value).flatMap(([k, v]) =>
        checkShape(model, shape.value?.shape ?? '', v, `${path}{${k}}`),
      );
    default:
      if (isPlaceholder(value)) return [];
      return checkScalar(shapeName, shape, value, path);
  }
}

/**
 * Values AWS sends that botocore's enums leave out. A stack's own events carry stack statuses in
 * StackEvent.ResourceStatus: REVIEW_IN_PROGRESS is recorded in cloudformation/stack-events-create.json;
 * the two CLEANUP states are stack statuses (StackStatus enum) a stack event reports the same way.
 */
const MODEL_GAPS: Record<string, string[]> = {
  ResourceStatus: [
    'REVIEW_IN_PROGRESS',
    'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
    'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  ],
};

function checkScalar(shapeName: string, shape: Shape, value: unknown, path: string): string[] {
  switch (shape.type) {
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string, got ${JSON.stringify(value)}`];
      if (shape.enum && !shape.enum.includes(value) && !MODEL_GAPS[shapeName]?.includes(value))
        return [`${path}: ${value} is not one of ${shape.enum.join('|')}`];
      return [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer, got ${JSON.stringify(value)}`];
    case 'float':
    case 'double':
      return typeof value === 'number' ? [] : [`${path}: expected a number, got ${JSON.stringify(value)}`];
    case 'timestamp':
      return typeof value === 'number' || (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
        ? []
        : [`${path}: expected a timestamp, got ${JSON.stringify(value)}`];
    case 'blob':
      return typeof value === 'string' ? [] : [`${path}: expected base64 text`];
    default:
      return [`${path}: unexpected shape type ${shape.type}`];
  }
}
