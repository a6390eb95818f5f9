/**
 * End to end: the built binary (`bin/run.js`) against the offline control-plane fake (CloudFormation,
 * CodeDeploy, Lambda, STS) and moto (S3, SNS), reached only through AWS_ENDPOINT_URL_<SERVICE>.
 * Needs `npm run build` first (npm test does it).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListChangeSetsCommand,
} from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagingBucketName, TOOLKIT_STACK_NAME } from '../../src/stack-contract.js';
import { type CliResult, handlerProject, runCli } from '../helpers/cli.js';
import { jsonShape } from '../helpers/json-shape.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';

let fake: FakeAws;

beforeAll(async () => {
  fake = await startFakeAws({
    region: 'eu-west-1',
    timeScale: 200,
    // S3 and SNS go through the fake to moto too, so every AWS call the CLI makes is counted.
    proxyDataPlane: true,
  });
});

afterAll(async () => {
  await fake?.stop();
});

/** The built binary against the fake, as CI runs it. */
function run(dir: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, {
    cwd: dir,
    env: { ...fake.env, CI: '1', NODE_NO_WARNINGS: '1', ...env },
    timeoutMs: 50_000,
  });
}

const project = handlerProject;

function json(r: CliResult) {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

describe('deploy against the offline AWS', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await project('Staging', 'E2e-Staging');
  });

  it('first deploy creates the toolkit stack, publishes the code and reports outputs', async () => {
    const r = await run(dir, ['deploy', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = json(r);
    expect(result).toMatchObject({
      outcome: 'deployed',
      changeSetType: 'CREATE',
      stackStatus: 'CREATE_COMPLETE',
    });
    expect(result.outputs).toHaveProperty('ApiUrl');
    expect(result.versions.published).toBe(result.outputs.NewVersion);
    expect(result.versions.live).toBe(result.outputs.NewVersion);
    expect(result.assets.uploaded).toBeGreaterThan(0);
    expect(jsonShape(result)).toMatchSnapshot();
    // The toolkit stack exists, complete, in the project's region, and its bucket holds the code.
    const toolkit = await new CloudFormationClient(fake.sdkConfig).send(
      new DescribeStacksCommand({ StackName: TOOLKIT_STACK_NAME }),
    );
    expect(toolkit.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    const bucket = stagingBucketName(fake.accountId, 'eu-west-1');
    const objects = await new S3Client(fake.motoSdkConfig).send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(objects.KeyCount).toBeGreaterThan(0);
  });

  it('a redeploy without changes is a no-op: at most three AWS calls, nothing uploaded', async () => {
    fake.resetCalls();
    const r = await run(dir, ['deploy', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = json(r);
    expect(result.outcome).toBe('no-changes');
    expect(result.awsCalls).toBeLessThanOrEqual(3);
    expect(fake.calls().total).toBeLessThanOrEqual(3);
    expect(result.assets.bytesUploaded).toBe(0);
    expect(jsonShape(result)).toMatchSnapshot();
  });

  it('status --json carries the stack status as CloudFormation names it, outputs and the alias', async () => {
    const r = await run(dir, ['status', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = json(r);
    expect(result).toMatchObject({ exists: true, stackStatus: 'CREATE_COMPLETE' });
    expect(result.alias?.name).toBe('live');
    expect(jsonShape(result)).toMatchSnapshot();
  });

  it('diff after the first deploy: nothing to change (the alias included); with new code: shown, never executed', async () => {
    const same = await run(dir, ['diff', '--json']);
    expect(same.code, same.stderr).toBe(0);
    expect(json(same)).toMatchObject({ hasChanges: false, changes: [], reasons: [] });
    expect(jsonShape(json(same))).toMatchSnapshot();

    await writeFile(
      path.join(dir, 'handler.mjs'),
      'export const handler = async () => ({ statusCode: 200, body: "v2" });\n',
    );
    fake.resetCalls();
    const changed = await run(dir, ['diff', '--json']);
    expect(changed.code, changed.stderr).toBe(0);
    const result = json(changed);
    expect(result).toMatchObject({ source: 'change-set', hasChanges: true });
    expect(result.changes.map((c: { type: string }) => c.type)).toContain('AWS::Lambda::Function');
    expect(jsonShape(result)).toMatchSnapshot();
    const answered = fake.calls().byOperation;
    expect(answered['cloudformation:CreateChangeSet']).toBe(1);
    expect(answered['cloudformation:ExecuteChangeSet']).toBeUndefined();
    const left = await new CloudFormationClient(fake.sdkConfig).send(
      new ListChangeSetsCommand({ StackName: 'E2e-Staging' }),
    );
    // Executed change sets stay listed (EXECUTE_COMPLETE, as on AWS); the one diff created is gone.
    expect((left.Summaries ?? []).filter((c) => c.ExecutionStatus !== 'EXECUTE_COMPLETE')).toEqual([]);
  });

  it('an update with new code publishes it, keeps traffic on the live version and names the next step', async () => {
    await writeFile(
      path.join(dir, 'handler.mjs'),
      'export const handler = async () => ({ statusCode: 200, body: "v2" });\n',
    );
    const r = await run(dir, ['deploy', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = json(r);
    expect(result).toMatchObject({
      outcome: 'deployed',
      changeSetType: 'UPDATE',
      stackStatus: 'UPDATE_COMPLETE',
    });
    expect(result.assets.uploaded).toBe(1);
    expect(Number(result.versions.published)).toBeGreaterThan(Number(result.versions.live));
    // Deploying again changes nothing, and still names the shift that waits.
    const human = await run(dir, ['deploy', '--yes']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toContain('No changes');
    expect(human.stderr).toContain(
      `Next: \`serverless-infra shift\` moves traffic from ${result.versions.live} to ${result.versions.published}.`,
    );
  });

  it('survives throttling: the throttled calls are retried and the deploy completes', async () => {
    fake.faults.throttle('DescribeStacks', 2);
    fake.faults.throttle('GetTemplate', 1);
    fake.resetCalls();
    const r = await run(dir, ['deploy', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r).outcome).toBe('no-changes');
    // Each throttled answer was followed by a retry that succeeded (a no-op deploy reads each once).
    const answered = fake.calls().byOperation;
    expect(answered['cloudformation:DescribeStacks']).toBeGreaterThanOrEqual(3);
    expect(answered['cloudformation:GetTemplate']).toBeGreaterThanOrEqual(2);
  });

  it('expired credentials: a message that names the fix, exit 1', async () => {
    fake.faults.expireCredentials();
    try {
      const r = await run(dir, ['deploy']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/credentials have expired/);
      expect(r.stderr).toMatch(/sso login|--profile/);
    } finally {
      fake.faults.restoreCredentials();
    }
  });
  it('a busy stack with --no-wait is refused; without it, deploy waits for the other operation', async () => {
    // Another operation holds the stack for a fake minute, and fake time stands still until the second
    // deploy follows that operation: the first one finds the stack busy however long it takes to start.
    fake.clock.pause();
    try {
      fake.faults.makeStackBusy('E2e-Staging', 60_000);
      const r = await run(dir, ['deploy', '--force', '--no-wait']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/busy \(UPDATE_IN_PROGRESS\)/);
      expect(r.stderr).toMatch(/--no-wait/);
      let followed = false;
      void fake.nextCall('DescribeStackEvents').then(() => {
        followed = true;
        fake.clock.resume();
      });
      const waited = await run(dir, ['deploy', '--json']);
      expect(waited.code, waited.stderr).toBe(0);
      expect(followed).toBe(true);
      expect(json(waited).outcome).toBe('no-changes');
    } finally {
      fake.clock.resume();
    }
  });
});

describe('auth: none (outside Production only)', () => {
  it('deploy warns that anyone can write, in plain output and on stderr under --json', async () => {
    const dir = await project('Development', 'E2e-Open', { auth: 'none' });
    const warning =
      /"auth": "none": anyone on the internet can create, change and delete items of Development/;
    const created = await run(dir, ['deploy', '--yes', '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(json(created).outcome).toBe('deployed');
    expect(created.stderr).toMatch(warning);
    // Every deploy says it again, also when there is nothing to change.
    const again = await run(dir, ['deploy']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/No changes/);
    expect(again.stderr).toMatch(warning);
  });

  it('a deploy with writes authorized prints no such warning', async () => {
    const dir = await project('Development', 'E2e-Closed');
    const deployed = await run(dir, ['deploy', '--yes']);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stderr).not.toMatch(/"auth": "none"/);
  });
});

describe('failures and recovery', () => {
  it('a failing resource: the root cause is printed and the exit code is 1; the next deploy recreates the stack', async () => {
    const dir = await project('Development', 'E2e-Failing');
    fake.faults.failResource('DataTableFDBAD0F2', 'Table limit exceeded for the account (fake)', {
      times: 1,
    });
    const failed = await run(dir, ['deploy', '--yes']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Root cause/);
    expect(failed.stderr).toMatch(
      /DataTableFDBAD0F2 \(AWS::DynamoDB::Table\) CREATE_FAILED: Table limit exceeded/,
    );

    const refused = await run(dir, ['deploy']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/ROLLBACK_COMPLETE/);

    const recovered = await run(dir, ['deploy', '--yes', '--json']);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(json(recovered)).toMatchObject({ outcome: 'deployed', changeSetType: 'CREATE' });
  }, 180_000);
});

describe('destroy', () => {
  it('of Production is refused without the typed name, even with --yes', async () => {
    const dir = await project('Production', 'E2e-Production');
    const deployed = await run(dir, ['deploy', '--yes', '--json']);
    expect(deployed.code, deployed.stderr).toBe(0);
    const bucket = json(deployed).outputs.BucketName as string;
    const s3 = new S3Client(fake.motoSdkConfig);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'items/keep/metadata.json', Body: '{}' }));
    const refused = await run(dir, ['destroy', '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/needs its name typed/);
    const status = json(await run(dir, ['status', '--json']));
    expect(status.exists).toBe(true);

    const protectedStack = await run(dir, ['destroy', '--confirm', 'E2e-Production']);
    expect(protectedStack.stderr).toMatch(/termination protection/);
    expect(protectedStack.code).toBe(1);

    const destroyed = await run(dir, [
      'destroy',
      '--confirm',
      'E2e-Production',
      '--disable-termination-protection',
      '--json',
    ]);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    const result = json(destroyed);
    expect(result.outcome).toBe('destroyed');
    expect(result.retained.map((r: { type: string }) => r.type)).toContain('AWS::DynamoDB::Table');
    expect(result.retained.map((r: { type: string }) => r.type)).toContain('AWS::S3::Bucket');
    // Production retains its buckets: destroy never empties them.
    expect(result.emptied).toEqual([]);
    const kept = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'items/keep/metadata.json' }));
    expect(await kept.Body?.transformToString()).toBe('{}');
  });
});
