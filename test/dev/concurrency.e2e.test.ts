// 500 writers at once against the built `dev`: nothing lost, nothing duplicated, no 5xx; then racing
// conditional updates of one item: exactly one wins, every other gets 412. The project file raises the stage
// throttling for this (the default bursts of 200 would answer 429 to part of the 500, as API Gateway would).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT, type RunningDev, startDev, stopDev, tempDir } from '../helpers/cli.js';
import { freePort } from '../support/moto.js';

const WRITERS = 500;
let dev: RunningDev;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'runtime', 'index.mjs'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
  const cwd = await tempDir('si-dev-concurrency-');
  await writeFile(
    path.join(cwd, 'serverless-infra.json'),
    JSON.stringify({
      schemaVersion: 1,
      environments: {
        Development: {
          email: 'dev@example.com',
          region: 'us-east-1',
          stackName: 'ServerlessInfra-Development',
          resourceId: 'conc1234',
          releaseStrategy: 'LambdaAllAtOnce',
          auth: 'none',
          throttling: { rateLimit: 1000, burstLimit: 1000 },
        },
      },
    }),
  );
  dev = await startDev({ cwd, port: await freePort() });
}, 180_000);
afterAll(async () => {
  if (dev) expect(await stopDev(dev)).toBe(0);
});

it(`${WRITERS} concurrent creates all land, once each; racing updates of one item: one 200, the rest 412`, async () => {
  const json = { 'Content-Type': 'application/json' };
  const created = await Promise.all(
    Array.from({ length: WRITERS }, (_, i) =>
      fetch(`${dev.url}/items`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: `writer-${i}`, attributes: { n: i } }),
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as { id: string; name: string },
      })),
    ),
  );
  expect(created.map((c) => c.status)).toEqual(Array(WRITERS).fill(201));
  const ids = new Set(created.map((c) => c.body.id));
  expect(ids.size).toBe(WRITERS);

  const listed: Array<{ id: string; name: string }> = [];
  let nextToken: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100', ...(nextToken ? { nextToken } : {}) });
    const response = await fetch(`${dev.url}/items?${query}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as {
      items: Array<{ id: string; name: string }>;
      nextToken: string | null;
    };
    listed.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  expect(listed).toHaveLength(WRITERS);
  expect(new Set(listed.map((item) => item.id))).toEqual(ids);
  expect(new Set(listed.map((item) => item.name)).size).toBe(WRITERS);

  const target = created[0]!.body.id;
  const racers = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      fetch(`${dev.url}/items/${target}`, {
        method: 'PATCH',
        headers: { ...json, 'If-Match': '"1"' },
        body: JSON.stringify({ attributes: { winner: i } }),
      }).then((response) => response.status),
    ),
  );
  expect(racers.filter((status) => status === 200)).toHaveLength(1);
  expect(racers.filter((status) => status === 412)).toHaveLength(49);
  const final = (await (await fetch(`${dev.url}/items/${target}`)).json()) as {
    version: number;
    attributes: object;
  };
  expect(final.version).toBe(2);
  expect(final.attributes).toMatchObject({ n: 0, winner: expect.any(Number) });
  // No answer was a 5xx (request lines read "12:00:00 POST /items 201 35 ms": the status, not the duration).
  expect(dev.stderr()).not.toMatch(/^\S+ [A-Z]+ \S+ 5\d\d /m);
}, 300_000);
