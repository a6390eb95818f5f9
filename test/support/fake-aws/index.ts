import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Moto, sharedMoto, startMoto } from '../moto.js';
import { Clock } from './clock.js';
import { CloudFormationService } from './cloudformation/service.js';
import { CodeDeployService } from './codedeploy.js';
import { AwsError } from './errors.js';
import { Faults } from './faults.js';
import { LambdaService, lambdaOperation } from './lambda.js';
import { type Params, parseQuery, queryError, queryResponse } from './protocols.js';
import { StsService } from './sts.js';

export { Clock } from './clock.js';
export { Faults } from './faults.js';

export interface FakeAwsOptions {
  /** moto endpoint for the data plane; default: the run's shared moto (globalSetup), else a new one. */
  motoEndpoint?: string;
  region?: string;
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
  /** Every response the fake sends (for the fidelity checks). */
  onResponse?: (record: ResponseRecord) => void;
}

export interface ResponseRecord {
  service: 'cloudformation' | 'sts' | 'codedeploy' | 'lambda';
  operation: string;
  status: number;
  body: string;
  /** x-amzn-ErrorType of a JSON error (Lambda names its errors only there). */
  errorType?: string;
}

export interface FakeAws {
  endpoint: string;
  motoEndpoint: string;
  region: string;
  accountId: string;
  /** AWS_ENDPOINT_URL_<SERVICE>, dummy credentials and AWS_REGION for a child process or the SDK. */
  env: Record<string, string>;
  /** SDK client configuration for the control plane (`new CloudFormationClient(fake.sdkConfig)`). */
  sdkConfig: { endpoint: string; region: string; credentials: typeof DUMMY_CREDENTIALS; maxAttempts: number };
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
  state: { cloudformation: CloudFormationService; codedeploy: CodeDeployService; lambda: LambdaService };
  /** Forget every stack, deployment and function (moto is not touched), clear faults and timers. */
  reset(): void;
  stop(): Promise<void>;
}

/** Where the fake answers its clock control: GET reads the clock; POST {action: pause|resume|advance, ms}. */
export const CONTROL_PATH = '/_fake/clock';

export const DUMMY_CREDENTIALS = { accessKeyId: 'AKIAFAKEAWS000000000', secretAccessKey: 'fake-aws-secret' };

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
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
  const clock = new Clock();
  const faults = new Faults();
  const lambda = new LambdaService(clock, region, accountId);
  const codedeploy = new CodeDeployService({ clock, faults, lambda, region, accountId, motoEndpoint });
  const cloudformation = new CloudFormationService({
    clock,
    faults,
    lambda,
    codedeploy,
    region,
    accountId,
    motoEndpoint,
    resourceDurations: options.resourceDurations ?? {},
  });
  const sts = new StsService(accountId);
  faults.stackBusyHandler = (stackName, forMs, status) => cloudformation.makeBusy(stackName, forMs, status);
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
    if (options.advancePerRequestMs) await clock.advanceAutomatically(options.advancePerRequestMs);
    const service = serviceOf(request, body);
    const send = (operation: string, status: number, text: string, headers: Record<string, string>) => {
      for (const listener of [...(listeners.get(operation) ?? [])]) listener(arrival);
      options.onResponse?.({
        service: service as ResponseRecord['service'],
        operation,
        status,
        body: text,
        ...(headers['x-amzn-errortype'] ? { errorType: headers['x-amzn-errortype'] } : {}),
      });
      response.writeHead(status, { 'x-amzn-requestid': crypto.randomUUID(), ...headers }).end(text);
    };

    if (service === 'cloudformation' || service === 'sts') {
      const params = parseQuery(body.toString());
      const action = String(params.Action ?? '');
      const xmlns = service === 'sts' ? sts.xmlns : cloudformation.xmlns;
      const xml = { 'content-type': 'text/xml' };
      try {
        faults.checkCall(action, 'Throttling', 400);
        const result =
          service === 'sts' ? sts.call(action, params) : await cloudformation.call(action, params);
        if (result === null)
          throw new AwsError(
            'InvalidAction',
            `Could not find operation ${action} for version ${params.Version}`,
          );
        send(action, 200, queryResponse(action, xmlns, result ?? undefined), xml);
      } catch (error) {
        const aws = asAwsError(error);
        send(action, aws.status, queryError(aws, xmlns), xml);
      }
      return;
    }
    if (service === 'codedeploy') {
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const json = { 'content-type': 'application/x-amz-json-1.1' };
      try {
        faults.checkCall(operation, 'ThrottlingException', 400);
        const params: Params = body.length ? JSON.parse(body.toString()) : {};
        const result = await codedeploy.call(operation, params);
        send(operation, 200, JSON.stringify(result ?? {}), json);
      } catch (error) {
        const aws = asAwsError(error);
        const code = aws.code === 'ExpiredToken' ? 'ExpiredTokenException' : aws.code;
        send(operation, aws.status, JSON.stringify({ __type: code, message: aws.message }), {
          ...json,
          'x-amzn-errortype': code,
        });
      }
      return;
    }
    if (service === 'lambda') {
      const operation = lambdaOperation(request.method ?? 'GET', url.pathname);
      try {
        faults.checkCall(operation, 'TooManyRequestsException', 429);
        const params: Params = body.length ? JSON.parse(body.toString()) : {};
        const result = await lambda.handle(request.method ?? 'GET', url.pathname, url.searchParams, params);
        const text = result.body === undefined ? '' : JSON.stringify(result.body);
        send(operation, result.status, text, { 'content-type': 'application/json' });
      } catch (error) {
        const aws = asAwsError(error);
        const code = aws.code === 'ExpiredToken' ? 'ExpiredTokenException' : aws.code;
        send(operation, aws.status, JSON.stringify({ Type: 'User', Message: aws.message, ...aws.extra }), {
          'content-type': 'application/json',
          'x-amzn-errortype': code,
        });
      }
      return;
    }
    await proxyToMoto(request, response, body, motoEndpoint as string);
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

  const env: Record<string, string> = {
    AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
    AWS_ENDPOINT_URL_CODEDEPLOY: endpoint,
    AWS_ENDPOINT_URL_LAMBDA: endpoint,
    AWS_ENDPOINT_URL_STS: endpoint,
    AWS_ENDPOINT_URL_S3: motoEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: motoEndpoint,
    AWS_ENDPOINT_URL_SNS: motoEndpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH: motoEndpoint,
    AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
  };

  return {
    endpoint,
    motoEndpoint,
    region,
    accountId,
    env,
    sdkConfig: { endpoint, region, credentials: DUMMY_CREDENTIALS, maxAttempts: 3 },
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
    state: { cloudformation, codedeploy, lambda },
    reset() {
      clock.clear();
      faults.clear();
      cloudformation.reset();
      codedeploy.reset();
      lambda.reset();
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
