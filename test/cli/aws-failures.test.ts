/**
 * Every command that talks to AWS, through the built binary, when AWS cannot be talked to: the endpoint
 * down, a load balancer's HTML 500 instead of an AWS answer, expired credentials, a profile that does not
 * exist, a region that is not one. Each must say which service, operation and endpoint failed and what to
 * do, exit 1 (2 for bad input), carry an error code under --json, and never call itself a bug.
 */

import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, handlerProject, runCli } from '../helpers/cli.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { freePort } from '../support/moto.js';

/** Each command that reads or changes AWS, with what it needs to get that far without a prompt. */
const COMMANDS: string[][] = [
  ['status'],
  ['diff'],
  ['deploy', '--yes'],
  ['destroy', '--yes'],
  ['shift'],
  ['rollback', '--yes'],
  ['user', 'add', 'someone@example.com'],
  ['user', 'remove', 'someone@example.com', '--yes'],
  ['token', '--email', 'someone@example.com'],
];

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAFAILURES0000000', AWS_SECRET_ACCESS_KEY: 'secret' };
const PASSWORD = { SERVERLESS_INFRA_PASSWORD: 'Correct-Horse-9-battery' };

let dir: string;
let html: Server;
let htmlEndpoint: string;
let closedEndpoint: string;
let fake: FakeAws;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

beforeAll(async () => {
  dir = await handlerProject('Staging', 'Failures-Staging');
  // What a load balancer or proxy answers when the service behind it is not there.
  html = createServer((request, response) => {
    request.resume();
    request.on('end', () =>
      response
        .writeHead(500, { 'content-type': 'text/html' })
        .end('<html><body><h1>500 Internal Server Error</h1></body></html>'),
    );
  });
  htmlEndpoint = await listen(html);
  // A port that was just free: nothing listens there.
  closedEndpoint = `http://127.0.0.1:${await freePort()}`;
  fake = await startFakeAws({ region: 'eu-west-1', accountId: '444455556666' });
});

afterAll(async () => {
  await new Promise((resolve) => html?.close(resolve));
  await fake?.stop();
});

function run(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runCli(args, {
    cwd: dir,
    env: { CI: '1', NODE_NO_WARNINGS: '1', ...PASSWORD, ...env },
    timeoutMs: 50_000,
  });
}

function expectNamedFailure(r: CliResult, service: RegExp, endpoint: string, what: RegExp) {
  const said = `${r.stdout}\n${r.stderr}`;
  expect(r.code, said).toBe(1);
  expect(said).not.toMatch(/this is a bug|Unexpected error|SyntaxError|ECONNREFUSED|\n\s+at /);
  expect(r.stderr).toMatch(service);
  expect(r.stderr).toContain(endpoint);
  expect(r.stderr).toMatch(what);
  expect(r.stderr).toMatch(/AWS_ENDPOINT_URL/);
}

// The runs wait on child processes: several at once (vitest's maxConcurrency).
describe.concurrent('every AWS command, when AWS cannot be reached', () => {
  it.each(COMMANDS.map((c) => [c.join(' '), c]))('%s: the endpoint down', async (_name, args) => {
    const r = await run(args, { ...CREDENTIALS, AWS_ENDPOINT_URL: closedEndpoint });
    expectNamedFailure(r, /CloudFormation \w+|\w+ \w+ at/, closedEndpoint, /connection was refused/);
  });

  it.each(COMMANDS.map((c) => [c.join(' '), c]))(
    '%s: an HTML 500 from a proxy, also under --json',
    async (_name, args) => {
      const r = await run(args, { ...CREDENTIALS, AWS_ENDPOINT_URL: htmlEndpoint });
      expectNamedFailure(r, /\w+ \w+ at/, htmlEndpoint, /HTTP 500 with a body that is not an AWS answer/);
      const json = await run([...args, '--json'], { ...CREDENTIALS, AWS_ENDPOINT_URL: htmlEndpoint });
      expect(json.code).toBe(1);
      const { error } = JSON.parse(json.stdout) as { error: { code: string; message: string } };
      expect(error.code).toBe('ServiceUnavailable');
      expect(error.message).toContain(htmlEndpoint);
    },
  );
});

describe.concurrent('every AWS command, with expired credentials', () => {
  beforeAll(() => fake.faults.expireCredentials());
  afterAll(() => fake.faults.restoreCredentials());

  it.each(COMMANDS.map((c) => [c.join(' '), c]))('%s: names the fix', async (_name, args) => {
    const r = await run(args, fake.env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credentials have expired/);
    expect(r.stderr).toMatch(/sso login|--profile/);
    expect(r.stderr).not.toMatch(/this is a bug|\n\s+at /);
  });
});

/** One command of each kind (stack, release, users): the checks live in the one session opener they share. */
const SOME_COMMANDS = COMMANDS.filter(([name]) =>
  ['status', 'deploy', 'shift', 'user', 'token'].includes(name as string),
);

describe.concurrent('a profile or region that is not one', () => {
  // Written once, before the runs that read it side by side (rewriting it per run let one read it empty).
  const config = () => path.join(dir, 'aws-config');
  beforeAll(() => writeFile(config(), '[profile other]\nregion = eu-west-1\n'));

  it.each(SOME_COMMANDS.map((c) => [c.join(' '), c]))(
    '%s --profile nosuch: says the profile does not exist',
    async (_name, args) => {
      const r = await run([...args, '--profile', 'nosuch'], { AWS_CONFIG_FILE: config() });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/profile "?nosuch"? (does not exist|is not in)/i);
      expect(r.stderr).toContain('other');
    },
  );

  it.each(SOME_COMMANDS.map((c) => [c.join(' '), c]))(
    '%s --region mars-north-1: refused as the project file would be',
    async (_name, args) => {
      const r = await run([...args, '--region', 'mars-north-1'], CREDENTIALS);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/mars-north-1/);
      expect(r.stderr).toMatch(/region/i);
    },
  );
});
