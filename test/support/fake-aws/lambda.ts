import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { AwsError } from './errors.js';
import { type InvocationResult, type InvokeDeps, runInvocation } from './lambda-invoke.js';
import { partitionOf } from './partition.js';
import { lambdaTimestamp, type Params } from './protocols.js';

/**
 * Lambda control plane (restJson1): functions, versions and aliases, as a deployed stack creates them
 * and as CodeDeploy moves them. Versions are immutable snapshots; PublishVersion returns the latest
 * version unchanged when neither code nor configuration changed since it, as AWS does.
 */
export interface FunctionConfig {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Role: string;
  Handler?: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  KMSKeyArn?: string;
  TracingConfig: { Mode: string };
  RevisionId: string;
  State: string;
  LastUpdateStatus: string;
  PackageType: string;
  Architectures: string[];
  EphemeralStorage: { Size: number };
  LoggingConfig: { LogFormat: string; LogGroup: string };
  SnapStart: { ApplyOn: string; OptimizationStatus: string };
  RuntimeVersionConfig?: { RuntimeVersionArn: string };
}

export interface Alias {
  AliasArn: string;
  Name: string;
  FunctionVersion: string;
  Description: string;
  RoutingConfig?: { AdditionalVersionWeights: Record<string, number> };
  RevisionId: string;
}

interface LambdaFunction {
  latest: FunctionConfig;
  versions: FunctionConfig[];
  aliases: Map<string, Alias>;
  reservedConcurrency?: number;
  tags: Record<string, string>;
}

export interface FunctionInput {
  FunctionName: string;
  Role?: string;
  Runtime?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables?: Record<string, string> };
  KMSKeyArn?: string;
  TracingConfig?: { Mode?: string };
  Architectures?: string[];
  /** The package's hash and size, and its bytes (a zip) or inline source when known: Invoke runs them. */
  code: { sha256: string; size: number; zip?: Buffer; inline?: string };
  LoggingConfig?: { LogGroup?: string; LogFormat?: string };
  ReservedConcurrentExecutions?: number;
  Tags?: Record<string, string>;
}

/** The configuration that makes a version different from another (what PublishVersion compares). */
const fingerprint = (config: FunctionConfig) =>
  JSON.stringify([
    config.CodeSha256,
    config.Runtime,
    config.Handler,
    config.Role,
    config.Timeout,
    config.MemorySize,
    config.Environment,
    config.KMSKeyArn,
    config.TracingConfig,
    config.Architectures,
  ]);

export class LambdaService {
  #functions = new Map<string, LambdaFunction>();
  /** Code packages by CodeSha256 (what Invoke runs); kept out of every configuration the API answers. */
  #code = new Map<string, { zip?: Buffer; inline?: string }>();
  /** Alias invocations so far, by alias ARN: the weighted split is applied in turn, deterministically. */
  #aliasInvocations = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly region: string,
    private readonly accountId: string,
    private readonly invokeDeps?: Omit<InvokeDeps, 'region' | 'now'>,
  ) {}

  reset(): void {
    this.#functions.clear();
    this.#aliasInvocations.clear();
  }

  functionArn(name: string): string {
    return `arn:${partitionOf(this.region).partition}:lambda:${this.region}:${this.accountId}:function:${name}`;
  }

  // --- state operations (used by the API below, CloudFormation and CodeDeploy) ---

  putFunction(input: FunctionInput): FunctionConfig {
    const existing = this.#functions.get(input.FunctionName);
    const latest: FunctionConfig = {
      FunctionName: input.FunctionName,
      FunctionArn: this.functionArn(input.FunctionName),
      Runtime: input.Runtime,
      Role: input.Role ?? `arn:${partitionOf(this.region).partition}:iam::${this.accountId}:role/lambda-role`,
      Handler: input.Handler,
      CodeSize: input.code.size,
      Description: input.Description ?? '',
      Timeout: Number(input.Timeout ?? 3),
      MemorySize: Number(input.MemorySize ?? 128),
      LastModified: lambdaTimestamp(this.clock.now()),
      CodeSha256: input.code.sha256,
      Version: '$LATEST',
      ...(input.Environment?.Variables
        ? { Environment: { Variables: { ...input.Environment.Variables } } }
        : {}),
      ...(input.KMSKeyArn ? { KMSKeyArn: input.KMSKeyArn } : {}),
      TracingConfig: { Mode: input.TracingConfig?.Mode ?? 'PassThrough' },
      RevisionId: randomUUID(),
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: input.Architectures ?? ['x86_64'],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: {
        LogFormat: input.LoggingConfig?.LogFormat ?? 'Text',
        LogGroup: input.LoggingConfig?.LogGroup ?? `/aws/lambda/${input.FunctionName}`,
      },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      ...(input.Runtime
        ? {
            RuntimeVersionConfig: {
              RuntimeVersionArn: `arn:${partitionOf(this.region).partition}:lambda:${this.region}::runtime:${createHash('sha256').update(input.Runtime).digest('hex')}`,
            },
          }
        : {}),
    };
    if (input.code.zip || input.code.inline !== undefined) {
      this.#code.set(input.code.sha256, { zip: input.code.zip, inline: input.code.inline });
    }
    if (existing) {
      existing.latest = latest;
      existing.reservedConcurrency = input.ReservedConcurrentExecutions;
      existing.tags = input.Tags ?? existing.tags;
    } else {
      this.#functions.set(input.FunctionName, {
        latest,
        versions: [],
        aliases: new Map(),
        reservedConcurrency: input.ReservedConcurrentExecutions,
        tags: input.Tags ?? {},
      });
    }
    return latest;
  }

  /** Every function with its tags, as the Resource Groups Tagging API lists them. */
  taggedFunctions(): Array<{ arn: string; tags: Array<{ Key: string; Value: string }> }> {
    return [...this.#functions.values()].map((f) => ({
      arn: f.latest.FunctionArn,
      tags: Object.entries(f.tags).map(([Key, Value]) => ({ Key, Value })),
    }));
  }

  deleteFunction(name: string): void {
    this.#functions.delete(this.#name(name));
  }

  publishVersion(name: string, description?: string): FunctionConfig {
    const fn = this.#function(name);
    const last = fn.versions.at(-1);
    if (last && fingerprint(last) === fingerprint(fn.latest)) return last;
    const number = String(Number(last?.Version ?? 0) + 1);
    const version: FunctionConfig = {
      ...structuredClone(fn.latest),
      Version: number,
      FunctionArn: `${fn.latest.FunctionArn}:${number}`,
      Description: description ?? fn.latest.Description,
      RevisionId: randomUUID(),
    };
    fn.versions.push(version);
    return version;
  }

  deleteVersion(name: string, version: string): void {
    const fn = this.#functions.get(this.#name(name));
    if (fn) fn.versions = fn.versions.filter((v) => v.Version !== version);
  }

  putAlias(
    name: string,
    alias: string,
    update: { FunctionVersion?: string; Description?: string; RoutingConfig?: Alias['RoutingConfig'] | null },
  ): Alias {
    const fn = this.#function(name);
    const current = fn.aliases.get(alias);
    const version = update.FunctionVersion ?? current?.FunctionVersion;
    if (!version) throw new AwsError('InvalidParameterValueException', 'FunctionVersion is required', 400);
    const weights = update.RoutingConfig === undefined ? current?.RoutingConfig : update.RoutingConfig;
    const entries = Object.entries(weights?.AdditionalVersionWeights ?? {});
    if (entries.some(([, weight]) => !(weight >= 0 && weight <= 1))) {
      // Recorded: alias-weight-bounds.json (weights are fractions, 0.0 to 1.0; the map as Java prints it).
      const map = entries.map(([v, w]) => `${v}=${Number.isInteger(w) ? w.toFixed(1) : w}`).join(', ');
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '{${map}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]`,
      );
    }
    this.#requireVersion(fn, version);
    for (const [extra] of Object.entries(weights?.AdditionalVersionWeights ?? {})) {
      this.#requireVersion(fn, extra);
      if (extra === version) {
        throw new AwsError(
          'InvalidParameterValueException',
          `Invalid function version ${extra}. Function version ${extra} is already included in routing configuration.`,
        );
      }
    }
    const next: Alias = {
      AliasArn: `${fn.latest.FunctionArn}:${alias}`,
      Name: alias,
      FunctionVersion: version,
      Description: update.Description ?? current?.Description ?? '',
      ...(weights && Object.keys(weights.AdditionalVersionWeights).length > 0
        ? { RoutingConfig: weights }
        : {}),
      RevisionId: randomUUID(),
    };
    fn.aliases.set(alias, next);
    return next;
  }

  deleteAlias(name: string, alias: string): void {
    this.#functions.get(this.#name(name))?.aliases.delete(alias);
  }

  getAlias(name: string, alias: string): Alias {
    const fn = this.#function(name);
    const found = fn.aliases.get(alias);
    // Recorded wording (LocalStack's test_lambda_api snapshot, alias_does_not_exist_esc, 25-11-2025).
    if (!found) throw this.#notFound(`Cannot find alias arn: ${fn.latest.FunctionArn}:${alias}`);
    return found;
  }

  hasVersion(name: string, version: string): boolean {
    const fn = this.#functions.get(this.#name(name));
    return !!fn && (version === '$LATEST' || fn.versions.some((v) => v.Version === version));
  }

  hasFunction(name: string): boolean {
    return this.#functions.has(this.#name(name));
  }

  /**
   * Runs a function (RequestResponse): the version the qualifier names, or for an alias the version its
   * routing picks — the extra version's weight applied in turn (Lambda picks at random; the fake is
   * deterministic, so a test knows how many requests each version gets).
   */
  async invoke(
    nameOrArn: string,
    qualifier: string | undefined,
    event: Buffer,
  ): Promise<InvocationResult & { version: string }> {
    const [base, inline] = splitQualifier(nameOrArn);
    const fn = this.#function(base);
    const wanted = qualifier ?? inline;
    const alias = wanted ? fn.aliases.get(wanted) : undefined;
    const version = alias ? this.#routedVersion(alias) : (wanted ?? '$LATEST');
    const config = version === '$LATEST' ? fn.latest : fn.versions.find((v) => v.Version === version);
    if (!config) throw this.#notFound(`Function not found: ${fn.latest.FunctionArn}:${wanted}`);
    const code = this.#code.get(config.CodeSha256);
    if (!code || !this.invokeDeps) {
      throw new AwsError(
        'ServiceException',
        `The fake has no code for ${config.FunctionName}:${version} to run`,
        500,
      );
    }
    const result = await runInvocation(
      {
        functionName: config.FunctionName,
        functionArn: fn.latest.FunctionArn,
        version,
        qualifier: wanted,
        alias: alias?.Name,
        handler: config.Handler ?? 'index.handler',
        timeoutSeconds: config.Timeout,
        memoryMb: config.MemorySize,
        environment: config.Environment?.Variables ?? {},
        logGroup: config.LoggingConfig.LogGroup,
        codeSha256: config.CodeSha256,
        code,
      },
      event,
      { ...this.invokeDeps, region: this.region, now: () => Date.now() + this.clock.skewMs },
    );
    return { ...result, version };
  }

  #routedVersion(alias: Alias): string {
    const [extra, weight] = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {})[0] ?? [];
    if (extra === undefined || !weight) return alias.FunctionVersion;
    const n = this.#aliasInvocations.get(alias.AliasArn) ?? 0;
    this.#aliasInvocations.set(alias.AliasArn, n + 1);
    // The n-th call goes to the extra version when the running share of it crosses a whole request.
    return Math.floor((n + 1) * weight) > Math.floor(n * weight) ? extra : alias.FunctionVersion;
  }

  // --- restJson1 API ---

  async handle(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Params,
  ): Promise<{ status: number; body?: unknown; operation: string }> {
    const { operation, args } = matchRoute(method, path);
    const [name = '', alias = ''] = args.map(decodeURIComponent);
    const ok = (status: number, answer?: unknown) => ({ operation, status, body: answer });
    switch (operation) {
      case 'GetAccountSettings':
        return ok(200, this.#accountSettings());
      case 'ListFunctions':
        return ok(
          200,
          paginate(
            [...this.#functions.values()].map((f) => f.latest),
            query,
            'Functions',
          ),
        );
      case 'CreateFunction':
        return ok(201, this.#createFunction(body));
      case 'PublishVersion': {
        const fn = this.#function(name);
        if (body.CodeSha256 && body.CodeSha256 !== fn.latest.CodeSha256) {
          throw new AwsError('InvalidParameterValueException', 'CodeSHA256 does not match', 400);
        }
        return ok(201, this.publishVersion(name, body.Description));
      }
      case 'ListVersionsByFunction': {
        const fn = this.#function(name);
        // The list's entries carry less than GetFunctionConfiguration (no State, LastUpdateStatus,
        // RuntimeVersionConfig) and $LATEST's ARN names it (recorded: publish-version-unchanged.json).
        const listed = [
          { ...fn.latest, FunctionArn: `${fn.latest.FunctionArn}:$LATEST` },
          ...fn.versions,
        ].map(({ State: _s, LastUpdateStatus: _l, RuntimeVersionConfig: _r, ...entry }) => entry);
        return ok(200, paginate(listed, query, 'Versions'));
      }
      case 'CreateAlias': {
        const fn = this.#function(name);
        if (fn.aliases.has(body.Name)) {
          throw new AwsError(
            'ResourceConflictException',
            `Alias already exists: ${fn.latest.FunctionArn}:${body.Name}`,
            409,
          );
        }
        return ok(201, this.putAlias(name, body.Name, body));
      }
      case 'ListAliases': {
        const version = query.get('FunctionVersion');
        const aliases = [...this.#function(name).aliases.values()].filter(
          (a) => !version || a.FunctionVersion === version,
        );
        return ok(200, paginate(aliases, query, 'Aliases'));
      }
      case 'GetAlias':
        return ok(200, this.getAlias(name, alias));
      case 'UpdateAlias': {
        const current = this.getAlias(name, alias);
        if (body.RevisionId && body.RevisionId !== current.RevisionId) {
          throw new AwsError(
            'PreconditionFailedException',
            'The Revision Id provided does not match the latest Revision Id. Call the GetAlias API to retrieve the latest Revision Id',
            412,
          );
        }
        return ok(200, this.putAlias(name, alias, body));
      }
      case 'DeleteAlias':
        this.deleteAlias(name, alias);
        return ok(204);
      case 'GetFunctionConcurrency': {
        const fn = this.#function(name);
        return ok(
          200,
          fn.reservedConcurrency === undefined
            ? {}
            : { ReservedConcurrentExecutions: fn.reservedConcurrency },
        );
      }
      case 'GetFunctionConfiguration':
        return ok(200, this.#configuration(name, query.get('Qualifier')));
      case 'UpdateFunctionCode': {
        const fn = this.#function(name);
        const updated = this.putFunction({ ...fn.latest, code: zipCode(body.ZipFile), Tags: fn.tags });
        return ok(200, body.Publish ? this.publishVersion(name) : updated);
      }
      case 'GetFunction': {
        const fn = this.#function(name);
        const configuration = this.#configuration(name, query.get('Qualifier'));
        return ok(200, {
          Configuration: configuration,
          Code: {
            RepositoryType: 'S3',
            Location: `https://awslambda-${this.region}-tasks.s3.${this.region}.amazonaws.com/snapshots/${this.accountId}/${configuration.FunctionName}`,
          },
          Tags: fn.tags,
          ...(fn.reservedConcurrency !== undefined
            ? { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } }
            : {}),
        });
      }
      case 'DeleteFunction':
        this.#function(name);
        this.deleteFunction(name);
        return ok(204);
      default:
        throw new AwsError('UnknownOperationException', `The fake does not implement ${method} ${path}`, 404);
    }
  }

  #createFunction(body: Params): FunctionConfig {
    if (this.#functions.has(body.FunctionName)) {
      throw new AwsError('ResourceConflictException', `Function already exist: ${body.FunctionName}`, 409);
    }
    const config = this.putFunction({
      ...body,
      FunctionName: body.FunctionName,
      code: zipCode(body.Code?.ZipFile),
    } as FunctionInput);
    return body.Publish ? this.publishVersion(body.FunctionName) : config;
  }

  #configuration(name: string, qualifier: string | null): FunctionConfig {
    const [base, inline] = splitQualifier(name);
    const fn = this.#function(base);
    const wanted = qualifier ?? inline;
    if (!wanted || wanted === '$LATEST') return fn.latest;
    const alias = fn.aliases.get(wanted);
    const version = fn.versions.find((v) => v.Version === (alias?.FunctionVersion ?? wanted));
    if (!version) throw this.#notFound(`Function not found: ${fn.latest.FunctionArn}:${wanted}`);
    return version;
  }

  #accountSettings() {
    const functions = [...this.#functions.values()];
    const reserved = functions.reduce((sum, f) => sum + (f.reservedConcurrency ?? 0), 0);
    return {
      AccountLimit: {
        TotalCodeSize: 80530636800,
        CodeSizeUnzipped: 262144000,
        CodeSizeZipped: 52428800,
        ConcurrentExecutions: 1000,
        UnreservedConcurrentExecutions: 1000 - reserved,
      },
      AccountUsage: {
        TotalCodeSize: functions.reduce((sum, f) => sum + f.latest.CodeSize * (1 + f.versions.length), 0),
        FunctionCount: functions.length,
      },
    };
  }

  #name(nameOrArn: string): string {
    return splitQualifier(nameOrArn)[0];
  }

  #function(nameOrArn: string): LambdaFunction {
    const fn = this.#functions.get(this.#name(nameOrArn));
    if (!fn) throw this.#notFound(`Function not found: ${this.functionArn(this.#name(nameOrArn))}`);
    return fn;
  }

  #requireVersion(fn: LambdaFunction, version: string): void {
    if (version !== '$LATEST' && !fn.versions.some((v) => v.Version === version)) {
      throw this.#notFound(`Function not found: ${fn.latest.FunctionArn}:${version}`);
    }
  }

  #notFound(message: string): AwsError {
    return new AwsError('ResourceNotFoundException', message, 404, 'Sender', { Type: 'User' });
  }
}

/** `name`, `name:qualifier`, or an ARN with or without qualifier -> [name, qualifier]. */
function splitQualifier(nameOrArn: string): [string, string | undefined] {
  const parts = nameOrArn.split(':');
  if (nameOrArn.startsWith('arn:')) return [parts[6] as string, parts[7]];
  return [parts[0] as string, parts[1]];
}

function zipCode(zipBase64: string | undefined): { sha256: string; size: number } {
  const bytes = Buffer.from(zipBase64 ?? '', 'base64');
  return { sha256: createHash('sha256').update(bytes).digest('base64'), size: bytes.length };
}

/** Lambda's Marker/MaxItems pagination (the marker is opaque to clients; here an offset). */
function paginate<T>(items: T[], query: URLSearchParams, key: string): Record<string, unknown> {
  const start = Number(query.get('Marker') ?? 0) || 0;
  const max = Math.min(Number(query.get('MaxItems') ?? 50) || 50, 10_000);
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? String(start + max) : undefined;
  return { [key]: page, ...(next ? { NextMarker: next } : {}) };
}

const FUNCTION = '([^/]+)';
const OPERATIONS: [string, RegExp, string][] = [
  ['GET', /^\/2016-08-19\/account-settings\/?$/, 'GetAccountSettings'],
  ['GET', /^\/2015-03-31\/functions\/?$/, 'ListFunctions'],
  ['POST', /^\/2015-03-31\/functions\/?$/, 'CreateFunction'],
  ['POST', route(`${FUNCTION}/versions`), 'PublishVersion'],
  ['POST', route(`${FUNCTION}/invocations`), 'Invoke'],
  ['GET', route(`${FUNCTION}/versions`), 'ListVersionsByFunction'],
  ['POST', route(`${FUNCTION}/aliases`), 'CreateAlias'],
  ['GET', route(`${FUNCTION}/aliases`), 'ListAliases'],
  ['GET', route(`${FUNCTION}/aliases/([^/]+)`), 'GetAlias'],
  ['PUT', route(`${FUNCTION}/aliases/([^/]+)`), 'UpdateAlias'],
  ['DELETE', route(`${FUNCTION}/aliases/([^/]+)`), 'DeleteAlias'],
  ['GET', route(`${FUNCTION}/configuration`), 'GetFunctionConfiguration'],
  ['GET', new RegExp(`^/2019-09-30/functions/${FUNCTION}/concurrency/?$`), 'GetFunctionConcurrency'],
  ['PUT', route(`${FUNCTION}/code`), 'UpdateFunctionCode'],
  ['GET', route(FUNCTION), 'GetFunction'],
  ['DELETE', route(FUNCTION), 'DeleteFunction'],
];

function route(rest: string): RegExp {
  return new RegExp(`^/2015-03-31/functions/${rest}/?$`);
}

function matchRoute(method: string, path: string): { operation: string; args: string[] } {
  for (const [m, pattern, operation] of OPERATIONS) {
    const match = m === method ? pattern.exec(path) : null;
    if (match) return { operation, args: match.slice(1) };
  }
  return { operation: `${method} ${path}`, args: [] };
}

/** The operation name of a Lambda REST request (for throttling faults and the response log). */
export function lambdaOperation(method: string, path: string): string {
  return matchRoute(method, path).operation;
}
