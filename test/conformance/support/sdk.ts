import { isPlaceholder, type Model, type Shape } from './botocore.js';
import type { FixtureCall } from './fixtures.js';
import type { Replay } from './replay.js';
import { materialize } from './wire.js';

/**
 * Sends one operation through the real SDK client of a service to a Replay, with an input that only fills
 * what the request needs to be built (required members, URI labels), and returns what the SDK parsed.
 */
const PACKAGES: Record<string, { pkg: string; client: string }> = {
  cloudformation: { pkg: '@aws-sdk/client-cloudformation', client: 'CloudFormationClient' },
  codedeploy: { pkg: '@aws-sdk/client-codedeploy', client: 'CodeDeployClient' },
  'cognito-idp': {
    pkg: '@aws-sdk/client-cognito-identity-provider',
    client: 'CognitoIdentityProviderClient',
  },
  dynamodb: { pkg: '@aws-sdk/client-dynamodb', client: 'DynamoDBClient' },
  lambda: { pkg: '@aws-sdk/client-lambda', client: 'LambdaClient' },
  logs: { pkg: '@aws-sdk/client-cloudwatch-logs', client: 'CloudWatchLogsClient' },
  sns: { pkg: '@aws-sdk/client-sns', client: 'SNSClient' },
  sts: { pkg: '@aws-sdk/client-sts', client: 'STSClient' },
};

/** Services whose protocol the replay speaks (S3's restXml and CloudWatch's CBOR are checked by shape only). */
export const REPLAYABLE = new Set(Object.keys(PACKAGES));

type Sdk = Record<
  string,
  new (
    arg: unknown,
  ) => { send(command: unknown): Promise<unknown>; destroy(): void }
>;

export async function sendThroughSdk(replay: Replay, operation: string): Promise<unknown> {
  const { pkg, client } = PACKAGES[replay.model.service] as { pkg: string; client: string };
  const sdk = (await import(pkg)) as Sdk;
  const Client = sdk[client] as Sdk[string];
  const Command = sdk[`${operation}Command`] as Sdk[string];
  const input = minimalInput(replay.model, replay.model.operations[operation]?.input?.shape ?? '');
  const instance = new Client(replay.clientConfig());
  try {
    return await instance.send(new Command(input));
  } finally {
    instance.destroy();
  }
}

function minimalInput(model: Model, shapeName: string): unknown {
  const shape = model.shapes[shapeName];
  if (!shape) return {};
  return filler(model, shape, 0);
}

function filler(model: Model, shape: Shape, depth: number): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const name of shape.required ?? []) {
        const member = shape.members?.[name];
        if (member && depth < 4) out[name] = filler(model, model.shapes[member.shape] as Shape, depth + 1);
      }
      return out;
    }
    case 'list':
      return [];
    case 'map':
      return {};
    case 'boolean':
      return false;
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return 1;
    case 'timestamp':
      return new Date(0);
    case 'blob':
      return new Uint8Array();
    default:
      return shape.enum?.[0] ?? 'x';
  }
}

/**
 * A fixture answer as the SDK should hand it over: materialized like the replay serves it, timestamps as
 * Dates, absent members left out.
 */
export function expectedOutput(model: Model, call: FixtureCall): unknown {
  const shapeName = model.operations[call.operation]?.output?.shape;
  if (!shapeName) return {};
  return toSdk(model, shapeName, materialize(model, shapeName, call.output ?? {}));
}

function toSdk(model: Model, shapeName: string, value: unknown): unknown {
  const shape = model.shapes[shapeName] as Shape;
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const member = shape.members?.[key];
        const concrete = member ? toSdk(model, member.shape, item) : undefined;
        if (concrete !== undefined) out[key] = concrete;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((item) => toSdk(model, shape.member?.shape ?? '', item));
    case 'map':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          toSdk(model, shape.value?.shape ?? '', v),
        ]),
      );
    case 'timestamp':
      if (value instanceof Date) return value;
      return typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
    default:
      return isPlaceholder(value) && shape.type !== 'string' ? undefined : value;
  }
}

/** The SDK's parsed output without its $metadata. */
export function withoutMetadata(output: unknown): unknown {
  const { $metadata: _metadata, ...rest } = output as Record<string, unknown>;
  // A blob payload (Lambda Invoke's Payload) parses to bytes: compared as the text the fixture holds.
  return Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [
      key,
      value instanceof Uint8Array ? new TextDecoder().decode(value) : value,
    ]),
  );
}
