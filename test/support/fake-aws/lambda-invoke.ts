import { execFile, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';

/**
 * Lambda's Invoke, run for real: the version's own bundle (the bytes CloudFormation deployed, from moto S3) in a
 * child Node process with the function's environment, an event and a context, killed at the function's
 * timeout, as the Node.js runtime would run it. The AWS SDK comes from this repository's node_modules, as the
 * runtime provides SDK v3. Its log lines go to moto's CloudWatch Logs (stream `YYYY/MM/DD/[version]hash`, with
 * START/END/REPORT lines) and its Invocations, Errors and Duration metrics to moto's CloudWatch, under the
 * dimensions Lambda publishes (FunctionName; FunctionName+Resource; for an alias, FunctionName+Resource+
 * ExecutedVersion — "Types of metrics for Lambda functions", Lambda developer guide).
 */
export interface InvocationTarget {
  functionName: string;
  functionArn: string;
  version: string;
  /** The qualifier the caller used: an alias name, a version, or undefined ($LATEST). */
  qualifier?: string | undefined;
  /** An alias invocation: its name (metrics then carry ExecutedVersion). */
  alias?: string | undefined;
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  logGroup: string;
  codeSha256: string;
  /** The deployment package (a zip) or, for inline code, the source of index.js. */
  code: { zip?: Buffer; inline?: string };
}

export interface InvocationResult {
  requestId: string;
  payload: string;
  /** Lambda's X-Amz-Function-Error: 'Unhandled' when the function threw or timed out. */
  functionError?: 'Unhandled';
  /** The log lines of this invocation, as CloudWatch Logs got them. */
  logLines: string[];
  durationMs: number;
}

export interface InvokeDeps {
  region: string;
  /** Environment for the child's own AWS calls: endpoints (the fake and moto) and the account's credentials. */
  awsEnv: () => Record<string, string>;
  motoEndpoint: string;
  /** Wall time as AWS stamps it (the fake's Date header): log events and metrics carry it. */
  now: () => number;
}

const RUNNER = `
import { pathToFileURL } from 'node:url';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
const [dir, handlerName, eventFile, resultFile] = process.argv.slice(2);
const requestId = process.env.FAKE_LAMBDA_REQUEST_ID;
const format = (args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG']]) {
  console[method] = (...args) => process.stdout.write(new Date().toISOString() + '\\t' + requestId + '\\t' + level + '\\t' + format(args) + '\\n');
}
const [file, exported] = [handlerName.slice(0, handlerName.lastIndexOf('.')), handlerName.slice(handlerName.lastIndexOf('.') + 1)];
const candidates = ['.mjs', '.js', '.cjs'].map((ext) => path.join(dir, file + ext)).filter(existsSync);
const deadline = Date.now() + Number(process.env.FAKE_LAMBDA_TIMEOUT_MS);
const context = {
  awsRequestId: requestId,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  invokedFunctionArn: process.env.FAKE_LAMBDA_INVOKED_ARN,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  callbackWaitsForEmptyEventLoop: true,
};
let outcome;
try {
  if (candidates.length === 0) throw Object.assign(new Error('Cannot find module ' + file), { name: 'Runtime.ImportModuleError' });
  const module = await import(pathToFileURL(candidates[0]).href);
  const handler = module[exported] ?? module.default?.[exported];
  if (typeof handler !== 'function') throw Object.assign(new Error(file + '.' + exported + ' is undefined or not exported'), { name: 'Runtime.HandlerNotFound' });
  const event = JSON.parse(readFileSync(eventFile, 'utf8') || 'null');
  const value = await handler(event, context);
  outcome = { ok: true, payload: value === undefined ? 'null' : JSON.stringify(value) };
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  process.stdout.write(new Date().toISOString() + '\\t' + requestId + '\\tERROR\\tInvoke Error \\t' + JSON.stringify({ errorType: e.name, errorMessage: e.message, stack: String(e.stack ?? '').split('\\n') }) + '\\n');
  outcome = { ok: false, payload: JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: String(e.stack ?? '').split('\\n') }) };
}
writeFileSync(resultFile, JSON.stringify(outcome));
process.exit(0);
`;

const REPO_NODE_MODULES = path.resolve(import.meta.dirname, '../../../node_modules');
const ROOT = path.join(tmpdir(), `fake-lambda-${process.pid}`);
const prepared = new Map<string, Promise<string>>();
// The unpacked packages and the runner live as long as the process that made them.
process.once('exit', () => rmSync(ROOT, { recursive: true, force: true }));

/** The directory holding a code package, unpacked once per code hash (with the SDK next to it). */
function codeDirectory(target: InvocationTarget): Promise<string> {
  const key = createHash('sha256').update(target.codeSha256).digest('hex').slice(0, 24);
  let ready = prepared.get(key);
  if (!ready) {
    ready = (async () => {
      const dir = path.join(ROOT, key);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      if (target.code.zip) {
        const zip = path.join(ROOT, `${key}.zip`);
        await writeFile(zip, target.code.zip);
        await promisify(execFile)('unzip', ['-q', '-o', zip, '-d', dir]);
      } else {
        // Inline code (ZipFile in the template): CloudFormation writes it as index.js (CommonJS).
        await writeFile(path.join(dir, 'index.js'), target.code.inline ?? '');
        await writeFile(path.join(dir, 'package.json'), '{"type":"commonjs"}');
      }
      if (!existsSync(path.join(dir, 'node_modules')))
        await symlink(REPO_NODE_MODULES, path.join(dir, 'node_modules'));
      await writeFile(path.join(ROOT, 'runner.mjs'), RUNNER);
      return dir;
    })();
    prepared.set(key, ready);
  }
  return ready;
}

export async function runInvocation(
  target: InvocationTarget,
  event: Buffer,
  deps: InvokeDeps,
): Promise<InvocationResult> {
  const requestId = randomUUID();
  const dir = await codeDirectory(target);
  const work = path.join(ROOT, 'invocations');
  await mkdir(work, { recursive: true });
  const eventFile = path.join(work, `${requestId}.event.json`);
  const resultFile = path.join(work, `${requestId}.result.json`);
  await writeFile(eventFile, event.length ? event : Buffer.from('null'));
  const stream = logStreamName(target, deps.now());
  const startedAt = deps.now();
  const started = performance.now();
  const output: string[] = [];
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'runner.mjs'), dir, target.handler, eventFile, resultFile],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        ...deps.awsEnv(),
        ...target.environment,
        AWS_REGION: deps.region,
        AWS_DEFAULT_REGION: deps.region,
        AWS_LAMBDA_FUNCTION_NAME: target.functionName,
        AWS_LAMBDA_FUNCTION_VERSION: target.version,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(target.memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: target.logGroup,
        AWS_LAMBDA_LOG_STREAM_NAME: stream,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        LAMBDA_TASK_ROOT: dir,
        NODE_NO_WARNINGS: '1',
        FAKE_LAMBDA_REQUEST_ID: requestId,
        FAKE_LAMBDA_TIMEOUT_MS: String(target.timeoutSeconds * 1000),
        FAKE_LAMBDA_INVOKED_ARN: target.qualifier
          ? `${target.functionArn}:${target.qualifier}`
          : target.functionArn,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let partial = '';
  const collect = (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    output.push(...lines.filter((line) => line.length > 0));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, target.timeoutSeconds * 1000);
  await new Promise<void>((resolve) => child.on('close', () => resolve()));
  clearTimeout(timer);
  if (partial) output.push(partial);
  const durationMs = Math.round((performance.now() - started) * 100) / 100;
  let outcome: { ok: boolean; payload: string } | undefined;
  try {
    outcome = JSON.parse(await readFile(resultFile, 'utf8'));
  } catch {}
  await rm(eventFile, { force: true });
  await rm(resultFile, { force: true });
  if (!outcome) {
    const message = timedOut
      ? `RequestId: ${requestId} Error: Task timed out after ${target.timeoutSeconds.toFixed(2)} seconds`
      : `RequestId: ${requestId} Error: Runtime exited without providing a reason`;
    output.push(`${new Date(deps.now()).toISOString()} ${message}`);
    outcome = {
      ok: false,
      payload: JSON.stringify({
        errorType: timedOut ? 'Sandbox.Timedout' : 'Runtime.ExitError',
        errorMessage: message,
      }),
    };
  }
  const version = target.version;
  const logLines = [
    `START RequestId: ${requestId} Version: ${version}`,
    ...output,
    `END RequestId: ${requestId}`,
    `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\tMemory Size: ${target.memoryMb} MB\tMax Memory Used: ${Math.min(target.memoryMb, 80)} MB`,
  ];
  await Promise.all([
    writeLogs(deps, target.logGroup, stream, logLines, startedAt),
    writeMetrics(deps, target, { error: !outcome.ok, durationMs, at: startedAt }),
  ]);
  return {
    requestId,
    payload: outcome.payload,
    ...(outcome.ok ? {} : { functionError: 'Unhandled' as const }),
    logLines,
    durationMs,
  };
}

/** `YYYY/MM/DD/[version]hash`: Lambda's stream name, one stream per execution environment (here per version). */
function logStreamName(target: InvocationTarget, now: number): string {
  const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, '/');
  const hash = createHash('md5')
    .update(`${target.functionArn}:${target.version}:${target.codeSha256}`)
    .digest('hex');
  return `${day}/[${target.version}]${hash}`;
}

const clients = new Map<string, { logs: CloudWatchLogsClient; cloudwatch: CloudWatchClient }>();
function motoClients(deps: InvokeDeps) {
  const key = `${deps.motoEndpoint}/${deps.region}`;
  let found = clients.get(key);
  if (!found) {
    const config = {
      endpoint: deps.motoEndpoint,
      region: deps.region,
      credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
      maxAttempts: 3,
    };
    found = { logs: new CloudWatchLogsClient(config), cloudwatch: new CloudWatchClient(config) };
    clients.set(key, found);
  }
  return found;
}

async function writeLogs(
  deps: InvokeDeps,
  group: string,
  stream: string,
  lines: string[],
  at: number,
): Promise<void> {
  const { logs } = motoClients(deps);
  const ignoreExisting = (error: Error) => {
    if (error.name !== 'ResourceAlreadyExistsException') throw error;
  };
  await logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch(ignoreExisting);
  await logs
    .send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }))
    .catch(ignoreExisting);
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: stream,
      // One millisecond apart, in order: FilterLogEvents sorts by timestamp.
      logEvents: lines.map((message, index) => ({ timestamp: at + index, message })),
    }),
  );
}

async function writeMetrics(
  deps: InvokeDeps,
  target: InvocationTarget,
  run: { error: boolean; durationMs: number; at: number },
): Promise<void> {
  const fn = { Name: 'FunctionName', Value: target.functionName };
  const resource = {
    Name: 'Resource',
    Value: target.qualifier ? `${target.functionName}:${target.qualifier}` : target.functionName,
  };
  const dimensionSets = [[fn], [fn, resource]];
  if (target.alias) dimensionSets.push([fn, resource, { Name: 'ExecutedVersion', Value: target.version }]);
  const timestamp = new Date(run.at);
  const data: MetricDatum[] = dimensionSets.flatMap((Dimensions) => [
    { MetricName: 'Invocations', Dimensions, Value: 1, Unit: 'Count', Timestamp: timestamp },
    { MetricName: 'Errors', Dimensions, Value: run.error ? 1 : 0, Unit: 'Count', Timestamp: timestamp },
    { MetricName: 'Duration', Dimensions, Value: run.durationMs, Unit: 'Milliseconds', Timestamp: timestamp },
  ]);
  recordDatapoints(data);
  await motoClients(deps).cloudwatch.send(
    new PutMetricDataCommand({ Namespace: 'AWS/Lambda', MetricData: data }),
  );
}

/**
 * The datapoints the fake's Invoke wrote, kept here too: moto answers no percentile statistic (GetMetricData
 * with Stat p50 fails with a 500), so the fake answers those queries itself from these, as CloudWatch
 * defines a percentile (nearest rank over the period's datapoints). Every other statistic is moto's.
 */
interface RecordedDatapoint {
  namespace: string;
  name: string;
  dimensions: string;
  at: number;
  value: number;
}
const recorded: RecordedDatapoint[] = [];

const dimensionKey = (dimensions: readonly { Name?: string; Value?: string }[]) =>
  JSON.stringify(dimensions.map((d) => [d.Name, d.Value]).sort());

function recordDatapoints(data: MetricDatum[]): void {
  for (const datum of data) {
    recorded.push({
      namespace: 'AWS/Lambda',
      name: datum.MetricName as string,
      dimensions: dimensionKey(datum.Dimensions ?? []),
      at: (datum.Timestamp as Date).getTime(),
      value: datum.Value as number,
    });
  }
}

const PERCENTILE = /^p(\d{1,2}(\.\d+)?)$/;

interface JsonQuery {
  Id: string;
  Label?: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: string }[] };
    Period: number;
    Stat: string;
  };
}

/** Whether a GetMetricData request (JSON protocol) asks for a percentile the fake must answer. */
export function asksPercentiles(body: { MetricDataQueries?: JsonQuery[] }): boolean {
  return (body.MetricDataQueries ?? []).some((q) => PERCENTILE.test(q.MetricStat?.Stat ?? ''));
}

/** The answers to a request's percentile queries (JSON protocol shape), by period from StartTime. */
export function percentileResults(body: {
  MetricDataQueries?: JsonQuery[];
  StartTime: number;
  EndTime: number;
}): { results: Record<string, unknown>[]; rest: JsonQuery[] } {
  const results: Record<string, unknown>[] = [];
  const rest: JsonQuery[] = [];
  const start = body.StartTime * 1000;
  const end = body.EndTime * 1000;
  for (const query of body.MetricDataQueries ?? []) {
    const stat = query.MetricStat;
    const match = PERCENTILE.exec(stat?.Stat ?? '');
    if (!stat || !match) {
      rest.push(query);
      continue;
    }
    const rank = Number(match[1]) / 100;
    const key = dimensionKey(stat.Metric.Dimensions ?? []);
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let from = start; from < end; from += stat.Period * 1000) {
      const inPeriod = recorded
        .filter(
          (d) =>
            d.namespace === stat.Metric.Namespace &&
            d.name === stat.Metric.MetricName &&
            d.dimensions === key &&
            d.at >= from &&
            d.at < from + stat.Period * 1000,
        )
        .map((d) => d.value)
        .sort((a, b) => a - b);
      if (inPeriod.length === 0) continue;
      timestamps.push(from / 1000);
      values.push(inPeriod[Math.max(0, Math.ceil(rank * inPeriod.length) - 1)] as number);
    }
    results.push({
      Id: query.Id,
      Label: query.Label ?? `${stat.Metric.MetricName} ${stat.Stat}`,
      Timestamps: timestamps,
      Values: values,
      StatusCode: 'Complete',
    });
  }
  return { results, rest };
}
