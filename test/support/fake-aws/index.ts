import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Moto, sharedMoto, startMoto } from '../moto.js';
import { Clock } from './clock.js';
import type { CloudFormationService } from './cloudformation/api.js';
import type { CodeDeployService } from './codedeploy.js';
import { AwsError } from './errors.js';
import { Faults, type TransientFaultOptions } from './faults.js';
import { type LambdaService, lambdaOperation } from './lambda.js';
import { asksPercentiles, percentileResults } from './lambda-invoke.js';
import { type Params, parseQuery, queryError, queryResponse } from './protocols.js';
import { accessKeyFor, type ScopedServices, type ScopeKey, Scopes, scopeOfRequest } from './scope.js';
import { TAGGING_TARGET_PREFIX, taggingOperation } from './tagging.js';

export { Clock } from './clock.js';
export { Faults } from './faults.js';
export { accessKeyFor, type ScopeKey } from './scope.js';

export interface FakeAwsOptions {
  /** moto endpoint for the data plane; default: the run's shared moto (globalSetup), else a new one. */
  motoEndpoint?: string;
  /**
   * The region printed in `env` (and used for unsigned requests). Every signed request is answered in the
   * region its SigV4 credential scope names, as AWS does: state is kept per account and region.
   */
  region?: string;
  /** The account of the default credentials (`env`); `credentialsFor(id)` gives another account's. */
  accountId?: string;
  port?: number;
  /** Standalone mode: fake time runs this many times faster than the wall clock. Default: manual clock. */
  timeScale?: number;
  /**
   * Every request first moves the clock this far (fake ms): a client that polls (the CLI watching a
   * stack or a shift) then drives time itself, deterministically, however fast it polls.
   */
  advancePerRequestMs?: number;
  /** How long one resource operation takes (fake ms), by resource type; `default` for the others. */
  resourceDurations?: Record<string, number>;
  /**
   * Clock skew (test mode): the fake's time runs this many ms ahead of (+) or behind (-) the wall clock, in
   * every timestamp it answers (events, creation times, deployments, the HTTP Date header).
   */
  clockSkewMs?: number;
  /** Eventual consistency (test mode): see `faults.lagReads(polls)`. */
  lagReadsPolls?: number;
  /** Transient faults from the start (test mode): see `faults.transientFaults(options)`. */
  transientFaults?: TransientFaultOptions;
  /** Every response the fake sends (for the fidelity checks and for counting calls). */
  onResponse?: (record: ResponseRecord) => void;
  /**
   * Point the data-plane services of `env` (S3, DynamoDB, SNS, CloudWatch, KMS, Cognito) at the fake too: it
   * passes those requests on to moto unchanged and counts them with the rest (`calls()`, GET /_fake/calls).
   */
  proxyDataPlane?: boolean;
}

/** Requests answered, by service and by `service:operation` (data-plane requests: `service:METHOD`). */
export interface CallCounts {
  total: number;
  byService: Record<string, number>;
  byOperation: Record<string, number>;
}

export interface ResponseRecord {
  service: 'cloudformation' | 'sts' | 'codedeploy' | 'lambda' | 'tagging';
  operation: string;
  status: number;
  body: string;
  /** x-amzn-ErrorType of a JSON error (Lambda names its errors only there). */
  errorType?: string;
  /** The account and region the request was answered in. */
  scope: ScopeKey;
  /** Set when the answer was an injected transient fault (an HTML 5xx), not the service's. */
  injected?: 'html-5xx';
}

export interface FakeAws {
  endpoint: string;
  motoEndpoint: string;
  region: string;
  accountId: string;
  /** AWS_ENDPOINT_URL_<SERVICE>, dummy credentials and AWS_REGION for a child process or the SDK. */
  env: Record<string, string>;
  /** SDK client configuration for the control plane (`new CloudFormationClient(fake.sdkConfig)`). */
  sdkConfig: SdkConfig;
  /** The same environment for another region and/or account (a child process, the `aws` CLI). */
  envFor(scope: Partial<ScopeKey>): Record<string, string>;
  /** The same SDK configuration for another region and/or account. */
  sdkConfigFor(scope: Partial<ScopeKey>): SdkConfig;
  /** Credentials the fake reads as `accountId`'s (the access key carries the account). */
  credentialsFor(accountId: string): Credentials;
  /** The same for moto (S3 needs path-style addressing on 127.0.0.1). */
  motoSdkConfig: {
    endpoint: string;
    region: string;
    credentials: typeof DUMMY_CREDENTIALS;
    forcePathStyle: true;
  };
  clock: Clock;
  faults: Faults;
  /**
   * Calls `listener` synchronously as each request for `operation` (e.g. 'StopDeployment') is answered,
   * before the client sees the answer, with the request's arrival number; returns the function that removes it.
   */
  onCall(operation: string, listener: (arrival: number) => void): () => void;
  /**
   * Resolves when a request for `operation` that arrives from now on has been answered: a state changed
   * before this call is then in the answer.
   */
  nextCall(operation: string): Promise<void>;
  /** The services of the default account and region (`region`, `accountId`). */
  state: { cloudformation: CloudFormationService; codedeploy: CodeDeployService; lambda: LambdaService };
  /** The services of another region and/or account. */
  scope(key: Partial<ScopeKey>): ScopedServices;
  /** The requests answered since the start (or the last `resetCalls()`). */
  calls(): CallCounts;
  resetCalls(): void;
  /** Forget every stack, deployment and function in every region (moto is not touched), clear faults and timers. */
  reset(): void;
  stop(): Promise<void>;
}

/** Where the fake answers its clock control: GET reads the clock; POST {action: pause|resume|advance, ms}. */
export const CONTROL_PATH = '/_fake/clock';
/** Where the fake answers its call counts: GET reads them (CallCounts); POST zeroes them. */
export const CALLS_PATH = '/_fake/calls';

const DEFAULT_ACCOUNT = '123456789012';

export const DUMMY_CREDENTIALS = { accessKeyId: 'AKIAFAKEAWS000000000', secretAccessKey: 'fake-aws-secret' };

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

interface SdkConfig {
  endpoint: string;
  region: string;
  credentials: Credentials;
  maxAttempts: number;
}

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? DEFAULT_ACCOUNT;
  let ownMoto: Moto | undefined;
  let motoEndpoint = options.motoEndpoint;
  if (!motoEndpoint) {
    try {
      motoEndpoint = sharedMoto().endpoint;
    } catch {
      ownMoto = await startMoto();
      motoEndpoint = ownMoto.endpoint;
    }
  }
  const clock = new Clock(undefined, { skewMs: options.clockSkewMs ?? 0 });
  const faults = new Faults();
  if (options.lagReadsPolls) faults.lagReads(options.lagReadsPolls);
  if (options.transientFaults) faults.transientFaults(options.transientFaults);
  // A function run by Invoke reaches the fake (set once the server listens) and moto like the CLI does.
  let functionEnvFor: (key: ScopeKey) => Record<string, string> = () => ({});
  const scopes = new Scopes(
    {
      clock,
      faults,
      motoEndpoint,
      resourceDurations: options.resourceDurations ?? {},
      awsEnvFor: (key) => functionEnvFor(key),
    },
    { region, accountId },
  );
  faults.stackBusyHandler = (stackName, forMs, status) =>
    scopes.get().cloudformation.makeBusy(stackName, forMs, status);
  const counts = new Map<string, number>();
  const count = (service: string, operation: string) => {
    const key = `${service}:${operation}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const callCounts = (): CallCounts => {
    const byService: Record<string, number> = {};
    for (const [key, n] of counts) {
      const service = key.split(':')[0] as string;
      byService[service] = (byService[service] ?? 0) + n;
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    return { total, byService, byOperation: Object.fromEntries([...counts].sort()) };
  };
  const listeners = new Map<string, Set<(arrival: number) => void>>();
  let arrivals = 0;
  const onCall = (operation: string, listener: (arrival: number) => void) => {
    const set = listeners.get(operation) ?? new Set();
    listeners.set(operation, set);
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error?.stack ?? error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrival = ++arrivals;
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === CONTROL_PATH) return control(request, response, body);
    if (url.pathname === CALLS_PATH) {
      if (request.method === 'POST') counts.clear();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(callCounts()));
      return;
    }
    if (options.advancePerRequestMs) await clock.advanceAutomatically(options.advancePerRequestMs);
    const service = serviceOf(request, body);
    if (!CONTROL_PLANE.has(service)) {
      count(service, request.method ?? 'GET');
      if (
        service === 'monitoring' &&
        String(request.headers['x-amz-target'] ?? '').endsWith('.GetMetricData')
      ) {
        return getMetricData(request, response, body, motoEndpoint as string);
      }
      return proxyToMoto(request, response, body, motoEndpoint as string);
    }
    const scope = scopeOfRequest(String(request.headers.authorization ?? ''), scopes.defaults);
    const services = scopes.get(scope);
    const { cloudformation, codedeploy, lambda, sts } = services;
    const params: Params =
      service === 'cloudformation' || service === 'sts' ? parseQuery(body.toString()) : {};
    const operation =
      service === 'codedeploy' || service === 'tagging'
        ? (String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '')
        : service === 'lambda'
          ? lambdaOperation(request.method ?? 'GET', url.pathname)
          : String(params.Action ?? '');
    const send = (
      status: number,
      text: string,
      headers: Record<string, string>,
      injected?: ResponseRecord['injected'],
    ) => {
      count(service, operation);
      for (const listener of [...(listeners.get(operation) ?? [])]) listener(arrival);
      options.onResponse?.({
        service: service as ResponseRecord['service'],
        operation,
        status,
        body: text,
        scope,
        ...(headers['x-amzn-errortype'] ? { errorType: headers['x-amzn-errortype'] } : {}),
        ...(injected ? { injected } : {}),
      });
      // The Date header is the server's wall clock, skewed as the fake's clock is (clockSkewMs), as AWS's is
      // AWS's. Not the simulated time (advanced or compressed by a test): SDKs correct their clock by it and
      // retry any error answered more than 5 minutes away from their own.
      const date = new Date(Date.now() + clock.skewMs).toUTCString();
      response.writeHead(status, { 'x-amzn-requestid': crypto.randomUUID(), date, ...headers }).end(text);
    };

    const transient = faults.transientFor(operation);
    if (transient?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    if (transient?.kind === 'html-5xx') {
      send(transient.status, loadBalancerPage(transient.status), LOAD_BALANCER_HEADERS, 'html-5xx');
      return;
    }

    if (service === 'cloudformation' || service === 'sts') {
      const xmlns = service === 'sts' ? sts.xmlns : cloudformation.xmlns;
      const xml = { 'content-type': 'text/xml' };
      try {
        faults.checkCall(operation, 'Throttling', 400);
        const result =
          service === 'sts' ? sts.call(operation, params) : await cloudformation.call(operation, params);
        if (result === null)
          throw new AwsError(
            'InvalidAction',
            `Could not find operation ${operation} for version ${params.Version}`,
          );
        send(200, queryResponse(operation, xmlns, result ?? undefined), xml);
      } catch (error) {
        const aws = asAwsError(error);
        send(aws.status, queryError(aws, xmlns), xml);
      }
      return;
    }
    if (service === 'tagging') {
      const json = { 'content-type': 'application/x-amz-json-1.1' };
      try {
        faults.checkCall(operation, 'ThrottledException', 400);
        const input = body.length ? JSON.parse(body.toString()) : {};
        const result = await taggingOperation(operation, input, {
          services,
          motoEndpoint: motoEndpoint as string,
          request,
          body,
        });
        send(200, JSON.stringify(result), json);
      } catch (error) {
        const aws = asAwsError(error);
        send(aws.status, JSON.stringify({ __type: aws.code, Message: aws.message }), {
          ...json,
          'x-amzn-errortype': aws.code,
        });
      }
      return;
    }
    if (service === 'codedeploy') {
      const json = { 'content-type': 'application/x-amz-json-1.1' };
      try {
        faults.checkCall(operation, 'ThrottlingException', 400);
        const input: Params = body.length ? JSON.parse(body.toString()) : {};
        const result = await codedeploy.call(operation, input);
        send(200, JSON.stringify(result ?? {}), json);
      } catch (error) {
        const aws = asAwsError(error);
        const code = aws.code === 'ExpiredToken' ? 'ExpiredTokenException' : aws.code;
        send(aws.status, JSON.stringify({ __type: code, message: aws.message }), {
          ...json,
          'x-amzn-errortype': code,
        });
      }
      return;
    }
    try {
      faults.checkCall(operation, 'TooManyRequestsException', 429);
      if (operation === 'Invoke') {
        const name = decodeURIComponent(url.pathname.split('/')[3] ?? '');
        const answer = await lambda.invoke(name, url.searchParams.get('Qualifier') ?? undefined, body);
        const tail = String(request.headers['x-amz-log-type'] ?? '') === 'Tail';
        send(200, answer.payload, {
          'content-type': 'application/json',
          'x-amz-executed-version': answer.version,
          ...(answer.functionError ? { 'x-amz-function-error': answer.functionError } : {}),
          // LogType Tail: the last 4 KB of the invocation's log, base64 (Invoke, API reference).
          ...(tail
            ? {
                'x-amz-log-result': Buffer.from(answer.logLines.join('\n'))
                  .subarray(-4096)
                  .toString('base64'),
              }
            : {}),
        });
        return;
      }
      const input: Params = body.length ? JSON.parse(body.toString()) : {};
      const result = await lambda.handle(request.method ?? 'GET', url.pathname, url.searchParams, input);
      const text = result.body === undefined ? '' : JSON.stringify(result.body);
      send(result.status, text, { 'content-type': 'application/json' });
    } catch (error) {
      const aws = asAwsError(error);
      const code = aws.code === 'ExpiredToken' ? 'ExpiredTokenException' : aws.code;
      send(aws.status, JSON.stringify({ Type: 'User', Message: aws.message, ...aws.extra }), {
        'content-type': 'application/json',
        'x-amzn-errortype': code,
      });
    }
  }

  /** The clock's control, for a test or a person driving the standalone fake (see docs/testing.md). */
  async function control(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
    let command: { action?: string; ms?: number } = {};
    try {
      command = request.method === 'POST' && body.length ? JSON.parse(body.toString()) : {};
    } catch {}
    const { action, ms } = command;
    const valid =
      request.method !== 'POST' ||
      action === 'pause' ||
      action === 'resume' ||
      (action === 'advance' && typeof ms === 'number' && ms >= 0);
    if (action === 'pause') clock.pause();
    if (action === 'resume') clock.resume();
    if (valid && action === 'advance') await clock.advance(ms as number);
    const answer = valid
      ? {
          now: new Date(clock.now()).toISOString(),
          paused: clock.paused,
          nextDueInMs: clock.nextDueIn() ?? null,
        }
      : { message: 'expected {"action": "pause" | "resume" | "advance", "ms"?: number}' };
    response.writeHead(valid ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }

  // Longer than any client's idle socket reuse, so a reused keep-alive socket is never closed under a request.
  server.keepAliveTimeout = 65_000;
  const port = options.port ?? 0;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (options.timeScale) clock.startRealTime(options.timeScale);

  const envFor = (key: Partial<ScopeKey>): Record<string, string> => {
    const credentials = credentialsFor(key.accountId ?? accountId);
    const scopeRegion = key.region ?? region;
    const dataPlane = options.proxyDataPlane ? endpoint : (motoEndpoint as string);
    return {
      AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
      AWS_ENDPOINT_URL_CODEDEPLOY: endpoint,
      AWS_ENDPOINT_URL_LAMBDA: endpoint,
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API: endpoint,
      AWS_ENDPOINT_URL_S3: dataPlane,
      AWS_ENDPOINT_URL_DYNAMODB: dataPlane,
      AWS_ENDPOINT_URL_SNS: dataPlane,
      // Through the fake, which passes everything on to moto but the percentile statistics moto lacks.
      AWS_ENDPOINT_URL_CLOUDWATCH: endpoint,
      AWS_ENDPOINT_URL_KMS: dataPlane,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: dataPlane,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: dataPlane,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: scopeRegion,
      AWS_DEFAULT_REGION: scopeRegion,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  };
  // Another account than the usual one gets a key of its own: a client that caches what account a key
  // belongs to (the CDK CLI does, in ~/.cdk) then never mixes two fakes up.
  const credentialsFor = (id: string): Credentials =>
    id === DEFAULT_ACCOUNT ? DUMMY_CREDENTIALS : { ...DUMMY_CREDENTIALS, accessKeyId: accessKeyFor(id) };
  const sdkConfigFor = (key: Partial<ScopeKey>): SdkConfig => ({
    endpoint,
    region: key.region ?? region,
    credentials: credentialsFor(key.accountId ?? accountId),
    maxAttempts: 3,
  });
  const env = envFor({});
  functionEnvFor = (key) => ({
    ...envFor(key),
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });

  return {
    endpoint,
    motoEndpoint,
    region,
    accountId,
    env,
    sdkConfig: sdkConfigFor({}),
    envFor,
    sdkConfigFor,
    credentialsFor,
    motoSdkConfig: { endpoint: motoEndpoint, region, credentials: DUMMY_CREDENTIALS, forcePathStyle: true },
    clock,
    faults,
    onCall,
    nextCall(operation) {
      const after = arrivals;
      return new Promise<void>((resolve) => {
        const off = onCall(operation, (arrival) => {
          if (arrival <= after) return;
          off();
          resolve();
        });
      });
    },
    state: {
      get cloudformation() {
        return scopes.get().cloudformation;
      },
      get codedeploy() {
        return scopes.get().codedeploy;
      },
      get lambda() {
        return scopes.get().lambda;
      },
    },
    scope: (key) => scopes.get(key),
    calls: callCounts,
    resetCalls: () => counts.clear(),
    reset() {
      clock.clear();
      faults.clear();
      scopes.reset();
    },
    async stop() {
      clock.stopRealTime();
      clock.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ownMoto?.stop();
    },
  };
}

/** Answered by the fake; `tagging` (Resource Groups Tagging API) merges moto's answer with the fake's own. */
const CONTROL_PLANE = new Set(['cloudformation', 'sts', 'codedeploy', 'lambda', 'tagging']);

const LOAD_BALANCER_HEADERS = { 'content-type': 'text/html', server: 'awselb/2.0' };

/** What a load balancer answers when the service behind it is not there: an HTML page, no AWS error. */
function loadBalancerPage(status: number): string {
  const title = `${status} ${{ 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' }[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The service a request is for: the SigV4 credential scope names it; unsigned requests by their shape. */
function serviceOf(request: IncomingMessage, body: Buffer): string {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(String(request.headers.authorization ?? ''));
  if (scope?.[1]) return scope[1];
  const target = String(request.headers['x-amz-target'] ?? '');
  if (target.startsWith('CodeDeploy_')) return 'codedeploy';
  if (target.startsWith(TAGGING_TARGET_PREFIX)) return 'tagging';
  if (/^\/20\d\d-\d\d-\d\d\//.test(request.url ?? '')) return 'lambda';
  const version = new URLSearchParams(body.toString()).get('Version');
  if (version === '2010-05-15') return 'cloudformation';
  if (version === '2011-06-15') return 'sts';
  return 'unknown';
}

function asAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  return new AwsError(
    'InternalFailure',
    `fake-aws bug: ${(error as Error)?.stack ?? String(error)}`,
    500,
    'Receiver',
  );
}

/**
 * CloudWatch GetMetricData (JSON protocol): moto's answer, with the percentile queries moto cannot answer
 * (it fails the whole request) answered by the fake from the datapoints its Invoke wrote (lambda-invoke.ts).
 */
async function getMetricData(
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
  moto: string,
): Promise<void> {
  const input = JSON.parse(body.toString() || '{}');
  if (!asksPercentiles(input)) return proxyToMoto(request, response, body, moto);
  const { results, rest } = percentileResults(input);
  let fromMoto: Record<string, unknown>[] = [];
  if (rest.length > 0) {
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        ([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k),
      ),
    ) as Record<string, string>;
    const answer = await fetch(moto, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...input, MetricDataQueries: rest }),
    });
    const text = await answer.text();
    if (!answer.ok) {
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' }).end(text);
      return;
    }
    fromMoto = (JSON.parse(text).MetricDataResults ?? []) as Record<string, unknown>[];
  }
  const order = (input.MetricDataQueries as { Id: string }[]).map((q) => q.Id);
  const all = [...fromMoto, ...results].sort(
    (a, b) => order.indexOf(String(a.Id)) - order.indexOf(String(b.Id)),
  );
  response
    .writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': crypto.randomUUID() })
    .end(JSON.stringify({ MetricDataResults: all, Messages: [] }));
}

/** Data-plane requests sent to the fake (instead of moto directly) are passed on unchanged. */
async function proxyToMoto(
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
  moto: string,
): Promise<void> {
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(
      ([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'connection',
    ),
  ) as Record<string, string>;
  const answer = await fetch(`${moto}${request.url}`, {
    method: request.method,
    headers,
    body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
  });
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  response.end(Buffer.from(await answer.arrayBuffer()));
}
