// `user add`, `token` and `user remove` through the built binary against moto's cognito-idp (and its
// CloudFormation for the stack outputs), reached only through the SDK's AWS_ENDPOINT_URL_<SERVICE> variables.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { type Moto, startMoto } from '../support/moto.js';

let moto: Moto;
let cwd: string;
let userPoolId: string;
let clientId: string;
let env: Record<string, string>;
const PASSWORD = 'Correct-Horse-Battery-42!';

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
  moto = await startMoto();
  const pool = aws(['cognito-idp', 'create-user-pool', '--pool-name', 'writers']) as {
    UserPool: { Id: string };
  };
  userPoolId = pool.UserPool.Id;
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

  it('removes the user: no more tokens', async () => {
    const removed = await runCli(['user', 'remove', 'alice@example.com', '--yes'], { cwd, env });
    expect(removed.code, removed.stderr).toBe(0);
    const token = await runCli(['token', '--email', 'alice@example.com'], {
      cwd,
      env: { ...env, SERVERLESS_INFRA_PASSWORD: PASSWORD },
    });
    expect(token.code).toBe(1);
    expect(token.stdout).toBe('');
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
