import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { validateDocument } from '../helpers/openapi.js';
import { sharedMoto } from '../support/moto.js';

// The built binary (npm test builds first), offline: no AWS variables, no credentials.
describe('serverless-infra openapi', () => {
  let cwd: string;
  const cli = (...args: string[]) => runCli(['openapi', ...args], { cwd });

  beforeEach(async () => {
    cwd = await tempDir('si-openapi-');
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('prints a valid OpenAPI 3.1 document on stdout, without a project file or AWS', async () => {
    const result = await cli();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const document = JSON.parse(result.stdout);
    expect(await validateDocument(document)).toMatchObject({ valid: true });
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(['/items', '/items/{id}']);
    // No project file: writes need a token, as `dev` and the stack default to.
    expect(document.paths['/items'].post.security).toEqual([{ cognito: [] }]);
    expect(document.servers).toBeUndefined();
    // --json prints the same document (the command's result).
    const json = await cli('--json');
    expect(JSON.parse(json.stdout)).toEqual(document);
  });

  it("follows the environment's auth, --auth and --server-url", async () => {
    const init = await runCli(
      [
        'init',
        '--email',
        'ops@example.com',
        '--region',
        'eu-west-1',
        '-e',
        'Staging',
        '--auth',
        'none',
        '--yes',
      ],
      { cwd },
    );
    expect(init.code, init.stderr).toBe(0);
    const open = JSON.parse((await cli()).stdout);
    expect(open.paths['/items'].post.security).toBeUndefined();
    expect(open.components.securitySchemes).toBeUndefined();
    const forced = JSON.parse(
      (await cli('--auth', 'cognito', '--server-url', 'https://d1.cloudfront.net')).stdout,
    );
    expect(forced.paths['/items'].post.security).toEqual([{ cognito: [] }]);
    expect(forced.servers).toEqual([{ url: 'https://d1.cloudfront.net' }]);
  });

  it('--output writes the file by rename (a new file, no temporary left) and says so on stdout', async () => {
    const file = path.join(cwd, 'openapi.json');
    await writeFile(file, 'old');
    const before = await lstat(file);
    const result = await cli('--output', 'openapi.json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Wrote openapi\.json: OpenAPI 3\.1\.0, 8 operations on 2 paths/);
    const written = JSON.parse(await readFile(file, 'utf8'));
    expect(written).toEqual(JSON.parse((await cli()).stdout));
    // Replaced, not rewritten in place: the old inode stays whole for a reader that has it open.
    expect((await lstat(file)).ino).not.toBe(before.ino);
    expect(await readdir(cwd)).toEqual(['openapi.json']);
    const json = await cli('--output', 'openapi.json', '--json');
    expect(JSON.parse(json.stdout)).toEqual({
      output: realpathSync(file),
      openapi: '3.1.0',
      paths: 2,
      operations: 8,
    });
  });

  it('refuses a directory or a symbolic link as --output, with exit 2 and nothing changed', async () => {
    await mkdir(path.join(cwd, 'dir'));
    const dir = await cli('--output', 'dir');
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain('dir is a directory, not a regular file: refusing to replace it.');
    expect(await readdir(path.join(cwd, 'dir'))).toEqual([]);

    await writeFile(path.join(cwd, 'target.json'), 'keep');
    await symlink('target.json', path.join(cwd, 'link.json'));
    const link = await cli('--output', 'link.json', '--json');
    expect(link.code).toBe(2);
    expect(JSON.parse(link.stdout)).toMatchObject({ error: { code: 'UsageError' } });
    expect((await lstat(path.join(cwd, 'link.json'))).isSymbolicLink()).toBe(true);
    expect(await readFile(path.join(cwd, 'target.json'), 'utf8')).toBe('keep');
    expect((await readdir(cwd)).sort()).toEqual(['dir', 'link.json', 'target.json']);
  });

  it('a missing folder is an error naming the file, exit 1', async () => {
    const result = await cli('--output', 'nowhere/openapi.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cannot write nowhere/openapi.json');
  });

  it('--help shows the examples', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('serverless-infra openapi --output openapi.json');
    expect(help.stdout).toContain('/openapi.json');
  });
});

// --deployed reads the CloudFront URL from the stack's outputs (DescribeStacks): moto's CloudFormation, the
// scene set by the real AWS CLI, as test/security/users.test.ts does.
describe('serverless-infra openapi --deployed', () => {
  const stackName = `ServerlessInfra-Staging-${randomUUID().slice(0, 8)}`;
  let cwd: string;
  let endpoint: string;
  const awsEnv = () => ({
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
  });

  beforeEach(async () => {
    endpoint = sharedMoto().endpoint;
    cwd = await tempDir('si-openapi-deployed-');
    const environment = (name: string, stack: string) => ({
      email: 'ops@example.com',
      region: 'eu-west-3',
      stackName: stack,
      resourceId: `${name.slice(0, 4).toLowerCase()}1234`,
      releaseStrategy: 'LambdaAllAtOnce',
    });
    await writeFile(
      path.join(cwd, 'serverless-infra.json'),
      JSON.stringify({
        schemaVersion: 1,
        environments: {
          Staging: environment('Staging', stackName),
          Development: environment('Development', `${stackName}-never-deployed`),
        },
      }),
    );
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it("uses the stack's CloudFront URL as the server; a stack not deployed is an error", async () => {
    const template = {
      Resources: { Placeholder: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
      Outputs: { CloudFrontUrl: { Value: 'https://d111111abcdef8.cloudfront.net' } },
    };
    execFileSync(
      'aws',
      [
        'cloudformation',
        'create-stack',
        '--stack-name',
        stackName,
        '--template-body',
        JSON.stringify(template),
      ],
      {
        env: {
          ...process.env,
          ...awsEnv(),
          AWS_DEFAULT_REGION: 'eu-west-3',
          AWS_ENDPOINT_URL: endpoint,
          AWS_CONFIG_FILE: '/nonexistent',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        },
      },
    );
    const result = await runCli(['openapi', '-e', 'Staging', '--deployed'], { cwd, env: awsEnv() });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).servers).toEqual([
      { url: 'https://d111111abcdef8.cloudfront.net', description: 'Staging' },
    ]);

    const missing = await runCli(['openapi', '-e', 'Development', '--deployed'], { cwd, env: awsEnv() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`The stack ${stackName}-never-deployed does not exist in eu-west-3.`);
    expect(missing.stdout).toBe('');

    const both = await runCli(['openapi', '-e', 'Staging', '--deployed', '--server-url', 'https://x'], {
      cwd,
    });
    expect(both.code).toBe(2);
  });
});
