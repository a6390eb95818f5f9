/**
 * Paths that only AWS's real behaviour takes, through the built binary, with the project in another region
 * than the fake's default (state and pseudo parameters come from the request's SigV4 scope, as on AWS):
 * a stack left in REVIEW_IN_PROGRESS by a change set never executed, an older toolkit stack and a staging
 * bucket deleted by hand, a template over CloudFormation's 51,200-byte inline limit, and `status` following
 * an operation another client started.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLKIT_VERSION } from '../../src/deploy/toolkit-stack.js';
import { stagingBucketName, TOOLKIT_STACK_NAME } from '../../src/stack-contract.js';
import { type CliResult, handlerProject, runCli } from '../helpers/cli.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';

const REGION = 'eu-west-1';
const ACCOUNT = '555566667777';
let fake: FakeAws;
let cfn: CloudFormationClient;

beforeAll(async () => {
  // The fake's default region is us-east-1; every project here lives in eu-west-1.
  fake = await startFakeAws({ region: 'us-east-1', accountId: ACCOUNT, timeScale: 200 });
  cfn = new CloudFormationClient(fake.sdkConfigFor({ region: REGION }));
});

afterAll(async () => {
  await fake?.stop();
});

/** A project in eu-west-1 while the fake's default region is us-east-1. */
const project = (environment: 'Staging' | 'Production', stackName: string, fields: object = {}) =>
  handlerProject(environment, stackName, { region: REGION, ...fields });

function cli(dir: string, ...args: string[]): Promise<CliResult> {
  return runCli(args, {
    cwd: dir,
    env: { ...fake.env, CI: '1', NODE_NO_WARNINGS: '1' },
    timeoutMs: 50_000,
  });
}

/** The real AWS CLI, a client nobody here wrote, against the same fake (in this process: never block it). */
async function aws(...args: string[]): Promise<unknown> {
  const { stdout } = await promisify(execFile)('aws', [...args, '--region', REGION, '--output', 'json'], {
    env: { ...process.env, ...fake.envFor({ region: REGION }), AWS_PAGER: '' },
    encoding: 'utf8',
  });
  return stdout.trim() ? JSON.parse(stdout) : undefined;
}

async function stackStatus(name: string): Promise<string | undefined> {
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    return Stacks?.[0]?.StackStatus;
  } catch {
    return undefined;
  }
}

describe('a stack in REVIEW_IN_PROGRESS (a CREATE change set never executed)', () => {
  const STACK = 'Review-Staging';
  const createChangeSet = () =>
    aws(
      'cloudformation',
      'create-change-set',
      '--stack-name',
      STACK,
      '--change-set-name',
      'left-behind',
      '--change-set-type',
      'CREATE',
      '--template-body',
      JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
    );
  let dir: string;
  beforeAll(async () => {
    dir = await project('Staging', STACK);
  });

  it('status reports it without following it (it never changes by itself), and says how to leave it', async () => {
    await createChangeSet();
    expect(await stackStatus(STACK)).toBe('REVIEW_IN_PROGRESS');
    const human = await cli(dir, 'status'); // follows by default: must not wait for REVIEW_IN_PROGRESS
    expect(human.code, human.stderr).toBe(0);
    expect(`${human.stdout}${human.stderr}`).toMatch(/REVIEW_IN_PROGRESS/);
    const json = await cli(dir, 'status', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ exists: true, stackStatus: 'REVIEW_IN_PROGRESS' });
  });

  it('destroy deletes it (DeleteStack is allowed there), without "wait for it"', async () => {
    const r = await cli(dir, 'destroy', '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/wait for it/i);
    expect(await stackStatus(STACK)).toBeUndefined();
  });

  it('deploy creates the stack from there with a CREATE change set', async () => {
    await createChangeSet();
    const r = await cli(dir, 'deploy', '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changeSetType: 'CREATE', stackStatus: 'CREATE_COMPLETE' });
  });

  it('user add and token reach the user pool the stack created (Cognito answered by moto)', async () => {
    const env = { SERVERLESS_INFRA_PASSWORD: 'Correct-Horse-9-battery' };
    const added = await runCli(['user', 'add', 'ops@example.com', '--json'], {
      cwd: dir,
      env: { ...fake.env, CI: '1', ...env },
    });
    expect(added.code, added.stderr).toBe(0);
    const token = await runCli(['token', '--email', 'ops@example.com'], {
      cwd: dir,
      env: { ...fake.env, CI: '1', ...env },
    });
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout.trim().split('.')).toHaveLength(3);
  });

  it('status follows an operation another client started, to its end', async () => {
    // Fake time holds until status is following the operation: it is in progress however slow the start.
    fake.clock.pause();
    try {
      fake.scope({ region: REGION }).cloudformation.makeBusy(STACK, 60_000, 'UPDATE_IN_PROGRESS');
      const following = fake.nextCall('DescribeStackEvents').then(() => fake.clock.advance(61_000));
      const r = await cli(dir, 'status');
      await following;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/UPDATE_IN_PROGRESS/);
      expect(r.stdout).toMatch(/UPDATE_COMPLETE/);
    } finally {
      fake.clock.resume();
    }
  });
});

describe('the toolkit stack in this account and region', () => {
  const STACK = 'Toolkit-Staging';
  const s3 = () => new S3Client({ ...fake.motoSdkConfig, region: REGION });
  const bucket = stagingBucketName(ACCOUNT, REGION);
  let dir: string;
  beforeAll(async () => {
    dir = await project('Staging', STACK);
    const first = await cli(dir, 'deploy', '--yes', '--json');
    expect(first.code, first.stderr).toBe(0);
  });

  it('an older toolkit version is updated in place', async () => {
    const { TemplateBody } = await cfn.send(new GetTemplateCommand({ StackName: TOOLKIT_STACK_NAME }));
    const older = JSON.parse(TemplateBody as string);
    older.Outputs.Version.Value = '0';
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: TOOLKIT_STACK_NAME,
        ChangeSetName: 'older',
        ChangeSetType: 'UPDATE',
        TemplateBody: JSON.stringify(older),
      }),
    );
    await fake.clock.runAll();
    await cfn.send(new ExecuteChangeSetCommand({ StackName: TOOLKIT_STACK_NAME, ChangeSetName: 'older' }));
    await fake.clock.runAll();
    expect(
      (await cfn.send(new DescribeStacksCommand({ StackName: TOOLKIT_STACK_NAME }))).Stacks?.[0]?.Outputs,
    ).toContainEqual(expect.objectContaining({ OutputKey: 'Version', OutputValue: '0' }));
    // Nothing changed in the app: --force goes through assets (and so the toolkit) anyway.
    const r = await cli(dir, 'deploy', '--force', '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Updating the toolkit stack');
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: TOOLKIT_STACK_NAME }));
    expect(Stacks?.[0]?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'Version')?.OutputValue).toBe(TOOLKIT_VERSION);
  });

  it('a staging bucket deleted by hand is noticed and created again, once', async () => {
    const versions = await s3().send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const objects = [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key as string,
      VersionId: v.VersionId,
    }));
    if (objects.length)
      await s3().send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
    await s3().send(new DeleteBucketCommand({ Bucket: bucket }));

    await writeFile(
      path.join(dir, 'handler.mjs'),
      'export const handler = async () => ({ statusCode: 200 });\n',
    );
    const r = await cli(dir, 'deploy', '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`The staging bucket ${bucket} is gone`);
    await expect(s3().send(new HeadBucketCommand({ Bucket: bucket }))).resolves.toBeDefined();
    const again = await cli(dir, 'deploy', '--yes', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('is gone');
  });
});

describe('a template over the 51,200-byte inline limit', () => {
  it.each([
    // A company's tagging policy: ten long tags, on every taggable resource of the stack.
    [
      'ten long tags',
      'Big-Production',
      Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [`policy:tag-${i}`, `${'x'.repeat(180)}-${i}`]),
      ),
    ],
    // Fewer than 51,200 characters, more than 51,200 bytes: a tag in 界 is three bytes a letter.
    ['one tag in CJK letters', 'Wide-Production', { 'policy:owner': '界'.repeat(200) }],
  ])('%s: uploaded to the staging bucket and deployed by TemplateURL', async (_, stackName, tags) => {
    const dir = await project('Production', stackName, { tags });
    const synth = await cli(dir, 'synth', '--json');
    expect(synth.code, synth.stderr).toBe(0);
    expect(JSON.parse(synth.stdout).templateBytes).toBeGreaterThan(51_200);
    // The fake refuses a TemplateBody over the limit with AWS's validation message: only TemplateURL passes.
    const r = await cli(dir, 'deploy', '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'deployed', stackStatus: 'CREATE_COMPLETE' });
    const { TemplateBody } = await cfn.send(new GetTemplateCommand({ StackName: stackName }));
    expect(Buffer.byteLength(TemplateBody as string)).toBeGreaterThan(51_200);
    if (stackName === 'Wide-Production') {
      expect(JSON.stringify(JSON.parse(TemplateBody as string)).length).toBeLessThan(51_200);
    }
  });
});
