import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseProject } from '../../src/config/project-file.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { jsonShape } from '../helpers/json-shape.js';

// The built binary (npm test builds first), without a terminal: nothing may prompt.
const FLAGS = ['--email', 'ops@example.com', '--region', 'eu-west-1', '--environment', 'Production', '--yes'];

describe('init without a terminal', () => {
  let cwd: string;
  const file = () => path.join(cwd, 'serverless-infra.json');
  const read = async () => parseProject(await readFile(file(), 'utf8'), file());

  beforeEach(async () => {
    cwd = await tempDir();
  });

  it('writes a project file the schema accepts from flags', async () => {
    const result = await runCli(['init', ...FLAGS], { cwd });
    expect(result.code).toBe(0);
    const project = await read();
    expect(project.environments.Production).toMatchObject({ email: 'ops@example.com', region: 'eu-west-1' });
    expect(result.stderr).toContain('serverless-infra synth -e Production');
  });

  it('takes every value from environment variables too', async () => {
    const result = await runCli(['init'], {
      cwd,
      env: {
        SERVERLESS_INFRA_EMAIL: 'ci@example.com',
        SERVERLESS_INFRA_REGION: 'us-west-2',
        SERVERLESS_INFRA_ENVIRONMENT: 'staging',
        SERVERLESS_INFRA_RELEASE_STRATEGY: 'linear',
        SERVERLESS_INFRA_GEO_ALLOW: 'de, fr',
      },
    });
    expect(result.code).toBe(0);
    expect((await read()).environments.Staging).toMatchObject({
      email: 'ci@example.com',
      region: 'us-west-2',
      releaseStrategy: 'LambdaLinear10PercentEvery1Minute',
      geoAllowList: ['DE', 'FR'],
    });
  });

  it('keeps the resource id across re-runs and when another environment is added', async () => {
    await runCli(['init', ...FLAGS], { cwd });
    const id = (await read()).environments.Production!.resourceId;

    const rerun = await runCli(['init', ...FLAGS], { cwd });
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain('nothing to change');

    const staging = await runCli(
      ['init', '--email', 'qa@example.com', '--region', 'us-east-1', '-e', 'Staging', '--json'],
      { cwd },
    );
    expect(staging.code).toBe(0);
    expect(JSON.parse(staging.stdout)).toMatchObject({
      environment: 'Staging',
      created: true,
      written: true,
    });
    expect(jsonShape(JSON.parse(staging.stdout))).toMatchSnapshot();
    const project = await read();
    expect(project.environments.Production!.resourceId).toBe(id);
    expect(project.environments.Staging!.resourceId).not.toBe(id);
  });

  it('exits 2 naming the missing flags, and writes nothing', async () => {
    const result = await runCli(['init'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--environment');
    expect(result.stderr).toContain('--email');
    expect(result.stderr).toContain('--region');
    await expect(readFile(file())).rejects.toThrow(/ENOENT/);
  });

  it('refuses a changed value without --yes, then applies it with --yes (or the old --force) and keeps the id', async () => {
    await runCli(['init', ...FLAGS], { cwd });
    const before = await readFile(file(), 'utf8');
    const refused = await runCli(['init', '-e', 'Production', '--email', 'other@example.com'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('email: "ops@example.com" → "other@example.com"');
    expect(await readFile(file(), 'utf8')).toBe(before);

    const forced = await runCli(['init', '-e', 'Production', '--email', 'other@example.com', '--yes'], {
      cwd,
    });
    expect(forced.code).toBe(0);
    const project = await read();
    expect(project.environments.Production!.email).toBe('other@example.com');
    expect(project.environments.Production!.resourceId).toBe(
      JSON.parse(before).environments.Production.resourceId,
    );
    // init's old --force still works, and says what replaced it.
    const old = await runCli(['init', '-e', 'Production', '--email', 'third@example.com', '--force'], {
      cwd,
    });
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toContain('The "force" flag has been deprecated. Use "yes" instead.');
    expect((await read()).environments.Production!.email).toBe('third@example.com');
  });

  it.each([
    [['--email', 'not-an-email'], /--email: "not-an-email": expected an e-mail address/],
    [['--region', 'mars-north-1'], /--region: "mars-north-1": expected an AWS region/],
    [['--environment', 'Prod'], /Unknown environment "Prod"/],
    [['--release-strategy', 'yolo'], /Unknown release strategy/],
    [['--geo-allow', 'Germany'], /--geo-allow: .*GERMANY.*ISO 3166-1 alpha-2/],
    [['--geo-allow', 'XX,FR'], /XX is not an assigned ISO 3166-1 alpha-2 country code/],
    [['--stack-name', '1-bad'], /--stack-name: "1-bad": expected a CloudFormation stack name/],
    [['--handler', 'missing.ts'], /does not exist/],
  ])('rejects bad input %j with exit 2 and no file', async (bad, message) => {
    const args = ['init', ...FLAGS];
    for (let i = 0; i < bad.length; i += 2) {
      const at = args.indexOf(bad[i]!);
      if (at >= 0) args.splice(at, 2);
      args.push(bad[i]!, bad[i + 1]!);
    }
    const result = await runCli(args, { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    await expect(readFile(file())).rejects.toThrow(/ENOENT/);
  });

  it('reports a corrupted project file clearly and leaves it untouched', async () => {
    await writeFile(file(), '{ "schemaVersion": 1, "environments": { "Production": { "email": 3 } } }');
    const before = await readFile(file(), 'utf8');
    const result = await runCli(['init', ...FLAGS], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file()} is not a valid project file`);
    expect(result.stderr).toContain('environments.Production.email');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await readFile(file(), 'utf8')).toBe(before);
  });

  it('sets the stage throttling from flags or environment variables, and refuses values out of range', async () => {
    const flags = await runCli(['init', ...FLAGS, '--throttle-rate', '250', '--throttle-burst', '500'], {
      cwd,
    });
    expect(flags.code, flags.stderr).toBe(0);
    expect((await read()).environments.Production!.throttling).toEqual({ rateLimit: 250, burstLimit: 500 });
    const fromEnv = await runCli(['init', ...FLAGS, '--yes'], {
      cwd,
      env: { SERVERLESS_INFRA_THROTTLE_BURST: '900' },
    });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect((await read()).environments.Production!.throttling).toEqual({ rateLimit: 250, burstLimit: 900 });
    const before = await readFile(file(), 'utf8');
    for (const [flag, value, expected] of [
      ['--throttle-rate', '0', '--throttle-rate: 0: expected at least 1'],
      ['--throttle-burst', '1000001', '--throttle-burst: 1000001: expected at most 1,000,000'],
      ['--throttle-rate', 'fast', 'Expected an integer'],
    ] as const) {
      const bad = await runCli(['init', ...FLAGS, '--yes', flag, value], { cwd });
      expect(bad.code, `${flag} ${value}`).toBe(2);
      expect(bad.stderr).toContain(expected);
    }
    expect(await readFile(file(), 'utf8')).toBe(before);
  });

  it('sets tags from --tag (repeated or comma-separated) or SERVERLESS_INFRA_TAGS, and refuses ours', async () => {
    const flags = await runCli(['init', ...FLAGS, '--tag', 'team=api,cost=a b', '--tag', 'run=1'], { cwd });
    expect(flags.code, flags.stderr).toBe(0);
    expect((await read()).environments.Production!.tags).toEqual({ team: 'api', cost: 'a b', run: '1' });
    const fromEnv = await runCli(['init', ...FLAGS], { cwd, env: { SERVERLESS_INFRA_TAGS: 'run=2,x=y' } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect((await read()).environments.Production!.tags).toEqual({
      team: 'api',
      cost: 'a b',
      run: '2',
      x: 'y',
    });
    const ours = await runCli(['init', ...FLAGS, '--tag', 'Project=mine'], { cwd });
    expect(ours.code).toBe(2);
    expect(ours.stderr).toContain('Project is set by serverless-infra itself');
  });

  it('prints a JSON error object under --json', async () => {
    const result = await runCli(['init', '--json'], { cwd });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'UsageError' } });
  });
});
