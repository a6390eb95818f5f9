/**
 * The release's smoke test: a CodeDeploy lifecycle hook (BeforeAllowTraffic, AfterAllowTraffic) that invokes
 * the deployment's target version directly with synthetic API Gateway events, checks the answers and reports
 * Succeeded or Failed with PutLifecycleEventHookExecutionStatus. CodeDeploy passes only the deployment id and
 * the hook execution id ("AppSpec 'hooks' section", Lambda); the target version comes from the deployment
 * target (GetDeploymentTarget: lambdaFunctionInfo.targetVersion). Each step and the reason of a failure are
 * logged as JSON lines with the deployment id, which `shift --watch` reads back to show them.
 * Bundled on its own by the package build (dist/smoke-hook/index.mjs); it imports nothing from the CLI.
 */
import { existsSync } from 'node:fs';
import {
  CodeDeployClient,
  GetDeploymentTargetCommand,
  ListDeploymentTargetsCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HEALTH_PATH, SMOKE_CHECKS, SMOKE_HOOK_ENV, SMOKE_MODULE_FILE } from './contract.js';

const codedeploy = new CodeDeployClient({});
const lambda = new LambdaClient({});

export interface HookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

/** What a synthetic request to the target version answered. */
export interface SmokeAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** Set when the function itself failed (Lambda's FunctionError): the payload's errorMessage. */
  functionError?: string;
}

export interface SmokeRequest {
  method?: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

/** What a user's smoke module (`init --smoke-test`) gets: `export async function smoke({ invoke, ... })`. */
export interface SmokeContext {
  invoke(request: SmokeRequest): Promise<SmokeAnswer>;
  functionName: string;
  version: string;
  lifecycleEvent: string;
  log(message: string, fields?: Record<string, unknown>): void;
}

export async function handler(event: HookEvent): Promise<{ status: string; reason?: string }> {
  const base = { deploymentId: event.DeploymentId, hookExecutionId: event.LifecycleEventHookExecutionId };
  const log = (level: string, message: string, fields: Record<string, unknown> = {}) =>
    process.stdout.write(
      `${JSON.stringify({ timestamp: new Date().toISOString(), level, message, ...base, ...fields })}\n`,
    );
  let status: 'Succeeded' | 'Failed' = 'Succeeded';
  let reason: string | undefined;
  let lifecycleEvent = 'unknown';
  try {
    const target = await deploymentTarget(event.DeploymentId);
    lifecycleEvent = target.lifecycleEvent;
    log('INFO', 'smoke test started', { lifecycleEvent, version: target.version });
    const invoke = (request: SmokeRequest) => invokeVersion(target.functionName, target.version, request);
    const step = async (name: string, run: () => Promise<string>) => {
      try {
        const detail = await run();
        log('INFO', 'smoke step passed', { lifecycleEvent, step: name, detail });
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        log('ERROR', 'smoke step failed', { lifecycleEvent, step: name, reason: why });
        throw new Error(`${name}: ${why}`);
      }
    };
    const checks = process.env[SMOKE_HOOK_ENV.checks] ?? SMOKE_CHECKS.itemsApi;
    if (checks === SMOKE_CHECKS.itemsApi) {
      await step(`GET ${HEALTH_PATH}`, async () => {
        const answer = await invoke({ path: HEALTH_PATH });
        expectStatus(answer, 200);
        const body = parse(answer.body) as { status?: unknown };
        if (body?.status !== 'ok')
          throw new Error(`answered ${answer.body.slice(0, 200)}, not {"status":"ok"}`);
        return '200 ok';
      });
      await step('GET /items', async () => {
        const answer = await invoke({ path: '/items', query: { limit: '1' } });
        expectStatus(answer, 200);
        const body = parse(answer.body) as { items?: unknown };
        if (!Array.isArray(body?.items)) throw new Error('answered 200 without an items list');
        return `200, ${body.items.length} item(s)`;
      });
    } else {
      await step('GET /items', async () => {
        const answer = await invoke({ path: '/items' });
        if (answer.functionError) throw new Error(`the function failed: ${answer.functionError}`);
        if (answer.statusCode >= 500)
          throw new Error(`answered ${answer.statusCode} ${answer.body.slice(0, 200)}`);
        return String(answer.statusCode);
      });
    }
    const own = new URL(`./${SMOKE_MODULE_FILE}`, import.meta.url);
    if (existsSync(own)) {
      await step(SMOKE_MODULE_FILE, async () => {
        const module = (await import(own.href)) as { smoke?: unknown; default?: unknown };
        const smoke = (module.smoke ?? module.default) as ((c: SmokeContext) => unknown) | undefined;
        if (typeof smoke !== 'function') throw new Error(`${SMOKE_MODULE_FILE} exports no smoke function`);
        const context: SmokeContext = {
          invoke,
          functionName: target.functionName,
          version: target.version,
          lifecycleEvent,
          log: (message, fields) =>
            log('INFO', message, { lifecycleEvent, step: SMOKE_MODULE_FILE, ...fields }),
        };
        const result = await smoke(context);
        return typeof result === 'string' ? result : 'passed';
      });
    }
  } catch (error) {
    status = 'Failed';
    reason = error instanceof Error ? error.message : String(error);
  }
  // Reported whatever happened above: CodeDeploy would otherwise wait an hour for the answer.
  await codedeploy.send(
    new PutLifecycleEventHookExecutionStatusCommand({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status,
    }),
  );
  log(status === 'Succeeded' ? 'INFO' : 'ERROR', `smoke test ${status}`, {
    lifecycleEvent,
    ...(reason ? { reason } : {}),
  });
  return { status, ...(reason ? { reason } : {}) };
}

/** The function and version a deployment moves to, and which lifecycle event is running now. */
async function deploymentTarget(
  deploymentId: string,
): Promise<{ functionName: string; version: string; lifecycleEvent: string }> {
  const { targetIds } = await codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId }));
  const targetId = targetIds?.[0];
  if (!targetId) throw new Error(`deployment ${deploymentId} has no target yet`);
  const { deploymentTarget } = await codedeploy.send(
    new GetDeploymentTargetCommand({ deploymentId, targetId }),
  );
  const target = deploymentTarget?.lambdaTarget;
  const info = target?.lambdaFunctionInfo;
  const expected = process.env[SMOKE_HOOK_ENV.targetFunction];
  if (!info?.functionName || !info.targetVersion) throw new Error('the deployment target names no version');
  if (expected && info.functionName !== expected) {
    throw new Error(
      `the deployment moves ${info.functionName}, not ${expected}: this hook tests only ${expected}`,
    );
  }
  const running = target?.lifecycleEvents?.find((e) => e.status === 'InProgress')?.lifecycleEventName;
  return {
    functionName: info.functionName,
    version: info.targetVersion,
    lifecycleEvent: running ?? 'unknown',
  };
}

async function invokeVersion(
  functionName: string,
  version: string,
  request: SmokeRequest,
): Promise<SmokeAnswer> {
  const answer = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      Qualifier: version,
      Payload: new TextEncoder().encode(JSON.stringify(apiGatewayEvent(request))),
    }),
  );
  const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
  const payload = parse(text) as Record<string, unknown> | undefined;
  if (answer.FunctionError) {
    const message = typeof payload?.errorMessage === 'string' ? payload.errorMessage : text.slice(0, 200);
    return { statusCode: 0, headers: {}, body: text, functionError: message || answer.FunctionError };
  }
  if (typeof payload?.statusCode !== 'number') {
    return {
      statusCode: 0,
      headers: {},
      body: text,
      functionError: 'the answer is not an API Gateway proxy result',
    };
  }
  return {
    statusCode: payload.statusCode,
    headers: (payload.headers ?? {}) as Record<string, string>,
    body: typeof payload.body === 'string' ? payload.body : '',
  };
}

/** A REST API (v1) proxy event as API Gateway sends it, marked as the smoke test's own. */
export function apiGatewayEvent(request: SmokeRequest): Record<string, unknown> {
  const method = request.method ?? 'GET';
  const headers = {
    accept: 'application/json',
    'user-agent': 'serverless-infra-smoke-test',
    ...request.headers,
  };
  const requestId = `smoke-${crypto.randomUUID()}`;
  return {
    resource: request.path,
    path: request.path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: request.query ?? null,
    multiValueQueryStringParameters: request.query
      ? Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters: null,
    stageVariables: null,
    body: request.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      requestId,
      httpMethod: method,
      path: request.path,
      resourcePath: request.path,
      stage: 'smoke-test',
      identity: { sourceIp: '127.0.0.1', userAgent: headers['user-agent'] },
    },
  };
}

function expectStatus(answer: SmokeAnswer, expected: number): void {
  if (answer.functionError) throw new Error(`the function failed: ${answer.functionError}`);
  if (answer.statusCode !== expected) {
    throw new Error(`answered ${answer.statusCode} ${answer.body.slice(0, 200)}, expected ${expected}`);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
