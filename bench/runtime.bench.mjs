// Runtime benchmark: bundle size, module-init time and request latency of the items API handler, each next to
// a baseline measured in the same run. Prints figures; never fails on time. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // as bench/run.mjs does
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'runtime', 'index.mjs');
if (!existsSync(bundle)) {
  console.error('dist/runtime/index.mjs is missing: run npm run build first.');
  process.exit(1);
}
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value) => `${value.toFixed(2)} ms`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

// 1. Bundle bytes, and what the bundle imports at run time (only Node.js built-ins and the runtime's SDK).
const source = readFileSync(bundle, 'utf8');
const bytes = Buffer.byteLength(source);
const gzipped = gzipSync(source).length;
const imports = [...new Set([...source.matchAll(/from"([^"]+)"/g)].map((m) => m[1]))].sort();
console.log('runtime bundle');
console.log(`  dist/runtime/index.mjs      ${kb(bytes)} (${kb(gzipped)} gzipped)   target <= 30 KB`);
console.log(`  imports at run time         ${imports.join(', ')}`);

// 2. Module init, each in a fresh node process, median of several runs:
//    - the handler's own init: the bundle's import (its code, reading its configuration, creating the four
//      clients) once the runtime's SDK modules are loaded. This is the part the bundle decides.
//    - the SDK's part: loading the four SDK modules the handler uses, which every Node.js function that uses
//      them pays, whatever its code.
//    - the whole cold import, for the record: both of the above.
const env = {
  ...process.env,
  TABLE_NAME: 'items',
  BUCKET_NAME: 'bucket',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:t',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const sdk = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-sns',
];
const handlerUrl = pathToFileURL(bundle).href;
const load = (list) => list.map((s) => `await import(${JSON.stringify(s)});`).join(' ');
/** Milliseconds `timed` (code) takes in a fresh process, after `setup` (code, not timed). */
const time = (timed, setup = '') => {
  const script = `${setup}; const t = performance.now(); ${timed}; console.log(performance.now() - t);`;
  return Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env }).toString(),
  );
};
// The least any handler of these four clients does at init: create them (baseline for the handler's own init).
const importClientClasses = `const [{ DynamoDBClient }, { DynamoDBDocumentClient }, { S3Client }, { SNSClient }] = await Promise.all(${JSON.stringify(sdk)}.map((s) => import(s)));`;
const createClients =
  'DynamoDBDocumentClient.from(new DynamoDBClient({})); new S3Client({}); new SNSClient({})';
const RUNS = 15;
const samples = { own: [], clients: [], sdk: [], cold: [] };
for (let i = 0; i < RUNS; i++) {
  samples.own.push(time(load([handlerUrl]), load(sdk)));
  samples.clients.push(time(createClients, importClientClasses));
  samples.sdk.push(time(load(sdk)));
  samples.cold.push(time(load([handlerUrl])));
}
console.log(`module init (fresh node each time, median of ${RUNS})`);
const own = median(samples.own);
const clients = median(samples.clients);
console.log(
  `  the handler's own init      ${ms(own)}   target <= 30 ms   (x${(own / clients).toFixed(1)} creating the clients alone)`,
);
console.log(
  `  the runtime's SDK modules   ${ms(median(samples.sdk))}   (the 4 clients' packages, any handler using them)`,
);
console.log(`  cold import, both           ${ms(median(samples.cold))}`);
console.log(`  baseline: creating the 4 clients alone ${ms(clients)}`);

// 3. Latency against the local stores (dynalite, s3rver, SNS stand-in), in-process.
const { startLocalStores } = await import(
  pathToFileURL(path.join(root, 'dist', 'dev', 'local-stores.js')).href
);
const stores = await startLocalStores();
Object.assign(process.env, stores.env, {
  AWS_LAMBDA_LOG_LEVEL: 'FATAL',
  // Writes fail closed without it; the bench measures the API, not the authorizer.
  WRITE_AUTH: 'none',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});
const { handler } = await import(pathToFileURL(bundle).href);
const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } = await import(
  '@aws-sdk/lib-dynamodb'
);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const event = (method, p, extra = {}) => ({
  httpMethod: method,
  path: p,
  resource: p.startsWith('/items/') ? '/items/{id}' : p,
  pathParameters: p.startsWith('/items/') ? { id: p.slice(7) } : null,
  headers: { 'Content-Type': 'application/json' },
  multiValueHeaders: null,
  queryStringParameters: extra.query ?? null,
  multiValueQueryStringParameters: null,
  body: extra.body ?? null,
  isBase64Encoded: false,
  requestContext: { requestId: 'bench' },
});
const N = 200;
async function measure(run) {
  for (let i = 0; i < 10; i++) await run(i); // warm-up
  const times = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await run(i);
    times.push(performance.now() - t);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}
const created = JSON.parse((await handler(event('POST', '/items', { body: '{"name":"seed"}' }))).body);
for (let i = 0; i < 60; i++) await handler(event('POST', '/items', { body: `{"name":"fill ${i}"}` }));

const rows = [
  [
    'create',
    await measure((i) => handler(event('POST', '/items', { body: `{"name":"bench ${i}"}` }))),
    'raw PutItem',
    await measure((i) =>
      db.send(
        new PutCommand({
          TableName: 'items',
          Item: { id: `raw-${i}`, status: 'raw#0', createdAt: new Date().toISOString(), name: 'x' },
        }),
      ),
    ),
  ],
  [
    'get',
    await measure(() => handler(event('GET', `/items/${created.id}`))),
    'raw GetItem',
    await measure(() =>
      db.send(new GetCommand({ TableName: 'items', Key: { id: created.id }, ConsistentRead: true })),
    ),
  ],
  [
    'list (limit 25)',
    await measure(() => handler(event('GET', '/items', { query: { limit: '25' } }))),
    'raw Query x1',
    await measure(() =>
      db.send(
        new QueryCommand({
          TableName: 'items',
          IndexName: 'byStatus',
          KeyConditionExpression: '#s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': 'active#0' },
          ScanIndexForward: false,
          Limit: 25,
        }),
      ),
    ),
  ],
];
console.log(`latency against local stores (${N} requests each, in-process)`);
for (const [name, result, baseName, base] of rows) {
  console.log(
    `  ${name.padEnd(16)} p50 ${ms(result.p50).padStart(9)}  p99 ${ms(result.p99).padStart(9)}   baseline ${baseName.padEnd(12)} p50 ${ms(base.p50).padStart(9)}  p99 ${ms(base.p99).padStart(9)}   (x${(result.p50 / base.p50).toFixed(1)} at p50)`,
  );
}
db.destroy();
await stores.stop();
process.exit(0);
