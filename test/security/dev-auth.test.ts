// `serverless-infra dev` models the deployed API's auth: writes need a token (`token --dev`), checked the way
// API Gateway's Cognito authorizer checks one (401 {"message":"Unauthorized"} before the function runs);
// reads are public. Driven through the built binary over HTTP.
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDevToken, verifyDevToken } from '../../src/auth/dev-tokens.js';
import { type RunningDev, runCli, startDev, stopDev, tempDir } from '../helpers/cli.js';
import { jsonShape } from '../helpers/json-shape.js';
import { freePort } from '../support/moto.js';

let cwd: string;
let dev: RunningDev;
let url: string;

beforeAll(async () => {
  cwd = await tempDir('si-dev-auth-');
  await writeFile(
    path.join(cwd, 'serverless-infra.json'),
    JSON.stringify({
      schemaVersion: 1,
      environments: {
        Development: {
          email: 'dev@example.com',
          region: 'eu-west-1',
          stackName: 'ServerlessInfra-Development',
          resourceId: 'dev12345',
          releaseStrategy: 'LambdaAllAtOnce',
        },
      },
    }),
  );
  dev = await startDev({ cwd, port: await freePort() });
  url = dev.url;
}, 120_000);

afterAll(async () => {
  if (dev) await stopDev(dev);
});

const create = (headers: Record<string, string> = {}) =>
  fetch(`${url}/items`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ name: 'n' }),
  });

describe('dev with auth on (the default)', () => {
  it('says writes need a token', () => {
    expect(dev.stderr()).toContain('writes need Authorization: Bearer $(serverless-infra token --dev)');
  });

  it("a write without a token: API Gateway's 401, the handler never runs", async () => {
    const response = await create();
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(dev.stderr()).not.toContain('Item created');
  });

  it('a token from `token --dev` is accepted (raw or Bearer); the item is created', async () => {
    const issued = await runCli(['token', '--dev'], { cwd });
    expect(issued.code, issued.stderr).toBe(0);
    const token = issued.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const bearer = await create({ Authorization: `Bearer ${token}` });
    expect(bearer.status).toBe(201);
    const item = (await bearer.json()) as { id: string };
    const raw = await fetch(`${url}/items/${item.id}`, {
      method: 'DELETE',
      headers: { Authorization: token },
    });
    expect(raw.status).toBe(204);
  });

  it('a forged or foreign token is refused', async () => {
    const issued = await runCli(['token', '--dev', '--json'], { cwd });
    const { token } = JSON.parse(issued.stdout) as { token: string };
    expect(jsonShape(JSON.parse(issued.stdout))).toMatchSnapshot();
    const [head, payload] = token.split('.');
    const forged = `${head}.${payload}.${'A'.repeat(43)}`;
    expect((await create({ Authorization: `Bearer ${forged}` })).status).toBe(401);
    // Signed with another project's secret.
    const other = issueDevToken(Buffer.alloc(32, 7), 'dev@example.com').token;
    expect((await create({ Authorization: `Bearer ${other}` })).status).toBe(401);
  });

  it('reads are public', async () => {
    const response = await fetch(`${url}/items`);
    expect(response.status).toBe(200);
  });
});

describe('dev tokens', () => {
  it('expire like Cognito ID tokens, and say so', () => {
    const secret = Buffer.alloc(32, 1);
    const { token } = issueDevToken(secret, 'a@example.com', Date.parse('2026-01-01T00:00:00Z'));
    expect(verifyDevToken(secret, token, Date.parse('2026-01-01T00:30:00Z')).ok).toBe(true);
    expect(verifyDevToken(secret, token, Date.parse('2026-01-01T01:00:01Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifyDevToken(secret, undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyDevToken(secret, 'Bearer not-a-jwt')).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('dev tokens are checked as a Cognito ID token is (audience, issue time, validity)', () => {
  const secret = Buffer.alloc(32, 2);
  const NOW = Date.parse('2026-01-01T12:00:00Z');
  const nowSeconds = NOW / 1000;
  /** A token with any claims, signed with the project's secret (so only the claims can be wrong). */
  const signed = (claims: object) => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
  };
  const good = issueDevToken(secret, 'a@example.com', NOW).claims;

  it('accepts what `token --dev` issues, and the same claims signed here', () => {
    expect(verifyDevToken(secret, signed(good), NOW).ok).toBe(true);
  });

  it.each([
    ['another audience (app client)', { aud: 'some-other-client' }],
    ['no audience', { aud: undefined }],
    ['issued in the future', { iat: nowSeconds + 3600, exp: nowSeconds + 7200 }],
    [
      'valid for more than a day (longer than Cognito issues)',
      { iat: nowSeconds - 10, exp: nowSeconds + 400 * 86400 },
    ],
    ['expiring before it was issued', { iat: nowSeconds, exp: nowSeconds - 1 }],
    ['a time that is not a whole number', { iat: 'yesterday' }],
    ['an access token', { token_use: 'access' }],
    ['an empty subject', { sub: '' }],
  ])('refuses a token %s', (_, change) => {
    expect(verifyDevToken(secret, signed({ ...good, ...change }), NOW)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('says "expired" only for a token that was valid and ran out', () => {
    expect(verifyDevToken(secret, signed(good), NOW + 3601 * 1000)).toEqual({ ok: false, reason: 'expired' });
  });
});
