// `user add`, `token` and `user remove` through the built binary against moto's cognito-idp (and its
// CloudFormation for the stack outputs), reached only through the SDK's AWS_ENDPOINT_URL_<SERVICE> variables.
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { jsonShape } from '../helpers/json-shape.js';
import { type Moto, startMoto } from '../support/moto.js';

let moto: Moto;
let cwd: string;
let userPoolId: string;
let clientId: string;
let env: Record<string, string>;
const PASSWORD = 'Correct-Horse-Battery-42!';
/** The instant at which moto checks authenticator codes (Unix seconds). */
const TOTP_TIME = 1_790_000_000;

/** The real AWS CLI as a second client, to set the scene in moto. */
function aws(args: string[]): unknown {
  const out = execFileSync('aws', [...args, '--output', 'json'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    },
  });
  return out ? JSON.parse(out) : undefined;
}

beforeAll(async () => {
  // moto checks authenticator codes for real (RFC 6238) only with this setting; at a fixed instant, so that a
  // code computed for that instant never goes stale on a slow machine.
  moto = await startMoto({
    env: { MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP: 'true' },
    totpTime: TOTP_TIME,
  });
  const pool = aws(['cognito-idp', 'create-user-pool', '--pool-name', 'writers']) as {
    UserPool: { Id: string };
  };
  userPoolId = pool.UserPool.Id;
  // As the stack's pool: MFA optional, by authenticator app (TOTP).
  aws([
    'cognito-idp',
    'set-user-pool-mfa-config',
    '--user-pool-id',
    userPoolId,
    '--software-token-mfa-configuration',
    'Enabled=true',
    '--mfa-configuration',
    'OPTIONAL',
  ]);
  const client = aws([
    'cognito-idp',
    'create-user-pool-client',
    '--user-pool-id',
    userPoolId,
    '--client-name',
    'cli',
    '--explicit-auth-flows',
    'ALLOW_USER_PASSWORD_AUTH',
  ]) as { UserPoolClient: { ClientId: string } };
  clientId = client.UserPoolClient.ClientId;
  // A deployed stack as far as the CLI can tell: its outputs name the pool and the client.
  const template = {
    Resources: { Placeholder: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
    Outputs: { UserPoolId: { Value: userPoolId }, UserPoolClientId: { Value: clientId } },
  };
  aws([
    'cloudformation',
    'create-stack',
    '--stack-name',
    'ServerlessInfra-Staging',
    '--template-body',
    JSON.stringify(template),
  ]);
  cwd = await tempDir('si-users-');
  await writeFile(
    path.join(cwd, 'serverless-infra.json'),
    JSON.stringify({
      schemaVersion: 1,
      environments: {
        Staging: {
          email: 'ops@example.com',
          region: 'eu-west-1',
          stackName: 'ServerlessInfra-Staging',
          resourceId: 'stag1234',
          releaseStrategy: 'LambdaAllAtOnce',
        },
      },
    }),
  );
  env = {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: moto.endpoint,
    AWS_ENDPOINT_URL_CLOUDFORMATION: moto.endpoint,
  };
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

describe('user add / token / user remove', () => {
  it('adds a user with a permanent password (pool from the stack outputs); the user can sign in', async () => {
    const added = await runCli(['user', 'add', 'Alice@Example.com', '--json'], {
      cwd,
      env: { ...env, SERVERLESS_INFRA_PASSWORD: PASSWORD },
    });
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      email: 'alice@example.com',
      userPoolId,
      environment: 'Staging',
    });
    expect(jsonShape(JSON.parse(added.stdout))).toMatchSnapshot();
    const user = aws([
      'cognito-idp',
      'admin-get-user',
      '--user-pool-id',
      userPoolId,
      '--username',
      'alice@example.com',
    ]) as {
      UserStatus: string;
    };
    expect(user.UserStatus).toBe('CONFIRMED');

    const token = await runCli(['token', '--email', 'alice@example.com'], {
      cwd,
      env: { ...env, SERVERLESS_INFRA_PASSWORD: PASSWORD },
    });
    expect(token.code, token.stderr).toBe(0);
    // stdout is the ID token alone, so that $(serverless-infra token …) works.
    const jwt = token.stdout.trim();
    expect(token.stdout).toBe(`${jwt}\n`);
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims.token_use).toBe('id');
    expect(claims.iss).toMatch(new RegExp(`/${userPoolId}$`));
  });

  it('a wrong password, a duplicate user, a missing password: clear errors, non-zero exits', async () => {
    const wrong = await runCli(['token', '--email', 'alice@example.com'], {
      cwd,
      env: { ...env, SERVERLESS_INFRA_PASSWORD: 'Wrong-Password-123!' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Wrong e-mail or password.');
    expect(wrong.stdout).toBe('');

    const again = await runCli(['user', 'add', 'alice@example.com'], {
      cwd,
      env: { ...env, SERVERLESS_INFRA_PASSWORD: PASSWORD },
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('alice@example.com already exists in the user pool.');

    const noPassword = await runCli(['token', '--email', 'alice@example.com'], { cwd, env });
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('Set SERVERLESS_INFRA_PASSWORD');
  });

  it('removes the user: gone from the pool, and no token is issued for it any more', async () => {
    const withPassword = { ...env, SERVERLESS_INFRA_PASSWORD: PASSWORD };
    const before = await runCli(['token', '--email', 'alice@example.com'], { cwd, env: withPassword });
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout.trim()).not.toBe('');

    const removed = await runCli(['user', 'remove', 'alice@example.com', '--yes'], { cwd, env });
    expect(removed.code, removed.stderr).toBe(0);
    const users = aws(['cognito-idp', 'list-users', '--user-pool-id', userPoolId]) as {
      Users: { Username: string; Attributes?: { Name: string; Value: string }[] }[];
    };
    const emails = users.Users.flatMap((u) =>
      u.Attributes?.filter((a) => a.Name === 'email').map((a) => a.Value),
    );
    expect(emails).not.toContain('alice@example.com');

    const after = await runCli(['token', '--email', 'alice@example.com'], { cwd, env: withPassword });
    expect(after.code).toBe(1);
    expect(after.stdout).toBe('');
    expect(after.stderr).toMatch(/alice@example\.com|user|password/i);
  });

  it('a user with an authenticator app: the code from --mfa-code, its variable, or a clear error', async () => {
    const email = 'bob@example.com';
    const withPassword = { ...env, SERVERLESS_INFRA_PASSWORD: PASSWORD };
    const added = await runCli(['user', 'add', email], { cwd, env: withPassword });
    expect(added.code, added.stderr).toBe(0);
    // Bob turns on an authenticator app, as the Cognito hosted UI or an app would do for him.
    const signedIn = aws([
      'cognito-idp',
      'initiate-auth',
      '--client-id',
      clientId,
      '--auth-flow',
      'USER_PASSWORD_AUTH',
      '--auth-parameters',
      `USERNAME=${email},PASSWORD=${PASSWORD}`,
    ]) as { AuthenticationResult: { AccessToken: string } };
    const accessToken = signedIn.AuthenticationResult.AccessToken;
    const { SecretCode: secret } = aws([
      'cognito-idp',
      'associate-software-token',
      '--access-token',
      accessToken,
    ]) as { SecretCode: string };
    aws([
      'cognito-idp',
      'verify-software-token',
      '--access-token',
      accessToken,
      '--user-code',
      currentCode(secret),
    ]);
    aws([
      'cognito-idp',
      'set-user-mfa-preference',
      '--access-token',
      accessToken,
      '--software-token-mfa-settings',
      'Enabled=true,PreferredMfa=true',
    ]);

    const noCode = await runCli(['token', '--email', email], { cwd, env: withPassword });
    expect(noCode.code).toBe(2);
    expect(noCode.stderr).toContain('Cognito asks for its code');
    expect(noCode.stderr).toContain('--mfa-code');
    expect(noCode.stdout).toBe('');

    const malformed = await runCli(['token', '--email', email, '--mfa-code', '12ab'], {
      cwd,
      env: withPassword,
    });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain(
      "--mfa-code: expected the 6-digit code of the user's authenticator app",
    );

    const code = currentCode(secret);
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const wrong = await runCli(['token', '--email', email], {
      cwd,
      env: { ...withPassword, SERVERLESS_INFRA_MFA_CODE: wrongCode },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Wrong authenticator code.');
    expect(wrong.stdout).toBe('');

    const token = await runCli(['token', '--email', email, '--mfa-code', currentCode(secret)], {
      cwd,
      env: withPassword,
    });
    expect(token.code, token.stderr).toBe(0);
    const claims = JSON.parse(Buffer.from(token.stdout.trim().split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ token_use: 'id', 'cognito:username': email });
  });

  it('a stack that is not deployed: says so', async () => {
    const missing = await runCli(['token', '--email', 'a@example.com', '--region', 'us-west-2'], {
      cwd,
      env: { ...env, SERVERLESS_INFRA_PASSWORD: PASSWORD },
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('The stack ServerlessInfra-Staging does not exist in us-west-2.');
  });
});

/** The code an authenticator app shows for `secret` at TOTP_TIME (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits). */
function currentCode(secret: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...secret.toUpperCase().replace(/=+$/, '')]
    .map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0'))
    .join('');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(TOTP_TIME / 30)));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[19]! & 0xf;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
