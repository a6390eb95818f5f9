/**
 * The product's acceptance test: a user's whole day with the BUILT binary (`bin/run.js`, `npm run build`
 * first) against the offline AWS — the control-plane fake (CloudFormation, CodeDeploy, Lambda, STS) and
 * moto (S3, DynamoDB, SNS, CloudWatch) — reached only through AWS_ENDPOINT_URL_<SERVICE>. The stack is
 * this project's real synthesized stack, with the user's own handler file.
 *
 *   init -> deploy (first) -> edit the handler -> deploy (new version, traffic stays) ->
 *   shift --watch (canary) -> status -> rollback -> (a shift in flight refuses deploy and destroy; rollback stops it)
 *   -> destroy (buckets emptied, stack gone)
 *
 * The steps depend on each other and run in order. Each `users-day*.test.ts` file runs the day once, on a
 * day AWS behaves differently (another region than the fake's default, a skewed clock, a load balancer's
 * errors, reads that lag writes): the outcome must not change.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DeleteObjectCommand,
  HeadBucketCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, initDevelopment, ROOT, runCli } from '../helpers/cli.js';
import { jsonShape } from '../helpers/json-shape.js';
import { type FakeAws, type FakeAwsOptions, startFakeAws } from '../support/fake-aws/index.js';

const STACK = 'UsersDay-Development';
/** The project's region. */
const REGION = 'eu-west-1';
/** Fake seconds per real second: a 5-minute canary takes 1.5 s, CloudFront's 60 s 0.3 s. */
const TIME_SCALE = 200;

/** How AWS behaves on this day, and the account the day runs in (one per test file). */
export interface Day {
  name: string;
  accountId: string;
  fake?: Omit<FakeAwsOptions, 'accountId'>;
}

export function usersDay(day: Day): void {
  let fake: FakeAws;
  let dir: string;
  /** The stack's outputs after the first deploy (bucket and function names). */
  let outputs: Record<string, string>;

  /** Runs the built binary in the project directory, pointed at the fake and moto, as CI would. */
  function cli(...args: string[]): Promise<CliResult> {
    return runCli(args, { cwd: dir, env: { ...fake.env, CI: '1', NODE_NO_WARNINGS: '1' } });
  }

  /** The command's --json result; fails with its output when it exited non-zero or printed no JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: each command's JSON result, asserted field by field
  function result(r: CliResult): Record<string, any> {
    if (r.code !== 0) throw new Error(`exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    try {
      return JSON.parse(r.stdout);
    } catch {
      throw new Error(`not JSON:\n${r.stdout}\n--- stderr\n${r.stderr}`);
    }
  }

  /** What the alias `live` serves, as Lambda says: the version and any extra weights. */
  async function live(): Promise<{ version: string | undefined; weights: Record<string, number> }> {
    const lambda = new LambdaClient(fake.sdkConfigFor({ region: REGION }));
    const alias = await lambda.send(
      new GetAliasCommand({ FunctionName: outputs.FunctionName, Name: 'live' }),
    );
    return { version: alias.FunctionVersion, weights: alias.RoutingConfig?.AdditionalVersionWeights ?? {} };
  }

  function handlerSource(body: string): string {
    return `export const handler = async () => ({ statusCode: 200, body: ${JSON.stringify(body)} });\n`;
  }

  beforeAll(async () => {
    if (!existsSync(path.join(ROOT, 'dist/commands/deploy.js')))
      throw new Error('Run `npm run build` first.');
    // An account of its own: moto is shared by the whole run, and the toolkit's staging bucket
    // (serverless-infra-assets-<account>-<region>) of another test's fake must not be in the way. The project
    // lives in eu-west-1; the fake's default region is us-east-1 unless the day says otherwise: state and
    // pseudo parameters must come from each request's own region.
    fake = await startFakeAws({
      region: 'us-east-1',
      timeScale: TIME_SCALE,
      ...day.fake,
      accountId: day.accountId,
    });
    dir = await mkdtemp(path.join(tmpdir(), 'si-users-day-'));
    await writeFile(path.join(dir, 'handler.mjs'), handlerSource('hello, v1'));
  });

  afterAll(async () => {
    await fake?.stop();
  });

  describe(`a user's day, end to end: ${day.name}`, () => {
    it('init: the project file from flags, without prompts', async () => {
      const init = result(await cli(...initDevelopment(STACK), '--json'));
      expect(init).toBeTypeOf('object');
      const file = JSON.parse(await readFile(path.join(dir, 'serverless-infra.json'), 'utf8'));
      expect(file.environments.Development).toMatchObject({
        email: 'ops@example.com',
        region: 'eu-west-1',
        stackName: STACK,
        handler: 'handler.mjs',
      });
      expect(file.environments.Development.resourceId).toMatch(/^[a-z0-9]{8}$/);
    });

    it('deploy (first): creates the stack; the alias serves the version it published', async () => {
      const deploy = result(await cli('deploy', '--yes', '--json'));
      expect(deploy).toMatchObject({
        outcome: 'deployed',
        changeSetType: 'CREATE',
        stackStatus: 'CREATE_COMPLETE',
      });
      outputs = deploy.outputs;
      expect(deploy.versions).toEqual({ published: '1', live: '1' });
      expect(await live()).toEqual({ version: '1', weights: {} });
    });

    it('deploy after a code change: a new version is published, traffic stays on the old one', async () => {
      await writeFile(path.join(dir, 'handler.mjs'), handlerSource('hello, v2'));
      const deploy = result(await cli('deploy', '--yes', '--json'));
      expect(deploy).toMatchObject({
        outcome: 'deployed',
        changeSetType: 'UPDATE',
        stackStatus: 'UPDATE_COMPLETE',
      });
      expect(deploy.versions).toEqual({ published: '2', live: '1' });
      expect(await live()).toEqual({ version: '1', weights: {} });
    });

    it('shift --watch --strategy canary: succeeds; the alias serves the new version', async () => {
      const shift = result(await cli('shift', '--watch', '--strategy', 'canary', '--json'));
      expect(shift).toMatchObject({
        from: '1',
        to: '2',
        strategy: 'canary',
        config: 'LambdaCanary10Percent5Minutes',
        outcome: 'succeeded',
        status: 'Succeeded',
        exitCode: 0,
      });
      expect(shift.deploymentId).toMatch(/^d-/);
      expect(jsonShape(shift)).toMatchSnapshot();
      expect(await live()).toEqual({ version: '2', weights: {} });
    });

    it('status: both versions and the release in the history', async () => {
      const status = result(await cli('status', '--json'));
      expect(status).toMatchObject({ exists: true, stackStatus: 'UPDATE_COMPLETE' });
      expect(status.outputs.NewVersion).toBe('2');
      expect(status.alias).toEqual({ name: 'live', version: '2', traffic: { '2': 100 } });
      expect(status.releases).toHaveLength(1);
      expect(status.releases[0]).toMatchObject({
        from: '1',
        to: '2',
        strategy: 'canary',
        outcome: 'succeeded',
        creator: 'user',
      });
      expect(status.releases[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(status.deployment).toMatchObject({ inFlight: false, currentVersion: '1', targetVersion: '2' });
      expect(jsonShape(status)).toMatchSnapshot();

      // The report is the command's result: on stdout, so that `status | grep` works.
      const human = await cli('status', '--no-follow');
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout).toMatch(/Releases/);
      expect(human.stdout).toContain(`${status.releases[0].deploymentId}  1 -> 2  canary  succeeded`);
      expect(human.stdout).toMatch(/Alias live: v2 100%/);
    });

    it('rollback: the previous version is served again', async () => {
      const rollback = result(await cli('rollback', '--yes', '--json'));
      expect(rollback).toMatchObject({ from: '2', to: '1', outcome: 'succeeded' });
      expect(jsonShape(rollback)).toMatchSnapshot();
      expect(await live()).toEqual({ version: '1', weights: {} });
      const status = result(await cli('status', '--json'));
      expect(status.releases.map((r: { from: string; to: string }) => `${r.from}->${r.to}`)).toEqual([
        '2->1',
        '1->2',
      ]);
    });

    it('a shift in flight: deploy of new code and destroy are refused; rollback stops the shift, the old version stays', async () => {
      // Fake time stops at the canary's first step, and goes on only once rollback has stopped the shift: the
      // shift is in flight for as long as the refused commands and rollback take to start, however slow.
      const atFirstStep = fake.clock.pauseWhen(
        () =>
          Object.keys(
            fake.scope({ region: REGION }).lambda.getAlias(outputs.FunctionName!, 'live').RoutingConfig
              ?.AdditionalVersionWeights ?? {},
          ).length > 0,
      );
      const stopped = fake.nextCall('StopDeployment').then(() => fake.clock.resume());
      const started = result(await cli('shift', '--json')); // no terminal, no --watch: start and return
      expect(started).toMatchObject({ from: '1', to: '2', outcome: 'in-progress' });
      const shiftId = started.deploymentId;
      await atFirstStep;
      expect(await live()).toEqual({ version: '1', weights: { '2': 0.1 } });
      // status and shift give the split in one unit: percent of the traffic.
      const during = result(await cli('status', '--json'));
      expect(during.alias.traffic).toEqual({ '1': 90, '2': 10 });
      expect(during.deployment).toMatchObject({ id: shiftId, inFlight: true });

      await writeFile(path.join(dir, 'handler.mjs'), handlerSource('hello, v3'));
      const refused = await cli('deploy', '--yes');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`A traffic shift is in flight (CodeDeploy deployment ${shiftId})`);
      expect(refused.stderr).toMatch(/serverless-infra rollback/);
      const notDestroyed = await cli('destroy', '--yes');
      expect(notDestroyed.code).toBe(1);
      expect(notDestroyed.stderr).toMatch(/traffic shift is in flight .* destroying now would race it/);

      const rollback = result(await cli('rollback', '--json'));
      await stopped;
      // Both ids: the shift it stopped and CodeDeploy's rollback deployment, watched to its end.
      expect(rollback).toMatchObject({ stoppedDeploymentId: shiftId, outcome: 'succeeded' });
      expect(rollback.deploymentId).not.toBe(shiftId);
      expect(jsonShape(rollback)).toMatchSnapshot();
      expect(await live()).toEqual({ version: '1', weights: {} });
    });

    it('destroy (Development): the buckets are emptied, every version, and the stack is gone', async () => {
      // A day's worth of data: item metadata with an old version and a delete marker, and an access log.
      const s3 = new S3Client({ ...fake.motoSdkConfig, region: REGION });
      const bucket = outputs.BucketName!;
      const logs = outputs.LogsBucketName!;
      expect(bucket).toMatch(/^cf-serverless-[a-z0-9]{8}$/);
      expect(logs).toMatch(/^cf-serverless-logs-[a-z0-9]{8}$/);
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
      for (const body of ['one', 'two']) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'items/a/metadata.json', Body: body }));
      }
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'items/b/metadata.json', Body: 'b' }));
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'items/b/metadata.json' }));
      await s3.send(new PutObjectCommand({ Bucket: logs, Key: 'cloudfront/E1.log.gz', Body: 'log' }));

      const destroy = result(await cli('destroy', '--yes', '--json'));
      expect(destroy).toMatchObject({ stackName: STACK, outcome: 'destroyed' });
      expect(jsonShape(destroy)).toMatchSnapshot();
      // Outside Production no data is retained: only API Gateway's account-level CloudWatch role.
      expect(destroy.retained.map((r: { type: string }) => r.type)).toEqual(['AWS::IAM::Role']);
      expect(destroy.emptied).toEqual(
        expect.arrayContaining([
          { bucket, deleted: 4 },
          { bucket: logs, deleted: 1 },
        ]),
      );
      for (const name of [bucket, logs]) {
        await expect(s3.send(new HeadBucketCommand({ Bucket: name }))).rejects.toMatchObject({
          name: 'NotFound',
        });
      }
      // DescribeStacks is eventually consistent: a read by name may still show the deletion (a day with
      // stale reads). `status` then follows it to its end, as it follows any operation, and says so.
      const followed = await cli('status');
      expect(followed.code, followed.stderr).toBe(0);
      expect(followed.stdout).toMatch(new RegExp(`${STACK} does not exist`));
      const status = result(await cli('status', '--json'));
      expect(status.exists).toBe(false);
    });
  });
}
