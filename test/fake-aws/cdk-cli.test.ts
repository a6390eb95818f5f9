import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolkitStackSource } from '../../src/deploy/toolkit-stack.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';

/**
 * The stock AWS CDK CLI (aws-cdk, a devDependency) as a third client nobody here wrote (issue 13 §3): it
 * deploys this project's stack (cdk.json -> dist/synth/cdk-app.js, CliCredentialsStackSynthesizer with the
 * CLI's staging bucket, so no bootstrap) through the fake, updates it, finds nothing to do, and destroys it.
 * It exercises what the fake answers the way AWS does for it: DeleteChangeSet of cdk-deploy-change-set on an
 * existing stack succeeds, the empty change set's reason tells it there is nothing to do.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const APP = path.join(ROOT, 'dist', 'synth', 'cdk-app.js');
const STACK = 'CdkCli-Staging';

describe('the stock CDK CLI through the fake', () => {
  let fake: FakeAws;
  let dir: string;
  const calls: string[] = [];
  // An account of its own: the staging bucket's name is global in the run's shared moto.
  const account = `6${String(randomInt(10 ** 10, 10 ** 11))}`;
  const region = 'eu-west-1';

  beforeAll(async () => {
    if (!existsSync(APP)) throw new Error(`${APP} is missing: run npm run build first`);
    // Every request moves fake time on: the CLI's polls drive its stack to completion, however fast it polls.
    fake = await startFakeAws({
      region,
      accountId: account,
      advancePerRequestMs: 20_000,
      onResponse: (r) => calls.push(r.operation),
    });
    // The staging bucket comes from the product's toolkit stack, deployed as the product deploys it.
    const cfn = new CloudFormationClient(fake.sdkConfig);
    const toolkit = toolkitStackSource();
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: toolkit.stackName,
        ChangeSetName: 'toolkit',
        ChangeSetType: 'CREATE',
        TemplateBody: JSON.stringify(toolkit.template),
      }),
    );
    await fake.clock.advance(1000);
    await cfn.send(new ExecuteChangeSetCommand({ StackName: toolkit.stackName, ChangeSetName: 'toolkit' }));
    await fake.clock.runAll();

    dir = await mkdtemp(path.join(tmpdir(), 'cdk-cli-'));
    await writeFile(
      path.join(dir, 'serverless-infra.json'),
      JSON.stringify({
        schemaVersion: 1,
        environments: {
          Staging: {
            email: 'ops@example.com',
            region,
            stackName: STACK,
            resourceId: randomBytes(4).toString('hex'),
            releaseStrategy: 'LambdaAllAtOnce',
            handler: 'handler.mjs',
          },
        },
      }),
    );
    await handler(200);
    await writeFile(
      path.join(dir, 'cdk.json'),
      JSON.stringify({
        app: `node ${APP}`,
        versionReporting: false,
        pathMetadata: false,
        assetMetadata: false,
      }),
    );
  });
  afterAll(async () => {
    await fake?.stop();
  });

  const handler = (status: number) =>
    writeFile(
      path.join(dir, 'handler.mjs'),
      `export const handler = async () => ({ statusCode: ${status} });\n`,
    );

  /** `cdk <args>` in the project, against the fake; its exit code and output, and the operations it called. */
  function cdk(...args: string[]): Promise<{ code: number; output: string; operations: string[] }> {
    const from = calls.length;
    return new Promise((resolve) => {
      execFile(
        CDK,
        [...args, '-c', 'environment=Staging', '--no-notices'],
        {
          cwd: dir,
          env: {
            ...process.env,
            ...fake.env,
            // The CDK CLI keeps caches (which account a key belongs to) under $HOME/.cdk: the project's own.
            HOME: dir,
            CI: '1',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
            CDK_DISABLE_VERSION_CHECK: '1',
            CDK_DISABLE_CLI_TELEMETRY: 'true',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          timeout: 240_000,
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? ((error as { code?: number }).code ?? 1) : 0,
            output: `${stdout}${stderr}`,
            operations: calls.slice(from),
          }),
      );
    });
  }

  const stack = async () =>
    (await new CloudFormationClient(fake.sdkConfig).send(new DescribeStacksCommand({ StackName: STACK })))
      .Stacks?.[0];
  const output = (s: Awaited<ReturnType<typeof stack>>, key: string) =>
    s?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
  const alias = async (functionName: string) =>
    (
      await new LambdaClient(fake.sdkConfig).send(
        new GetAliasCommand({ FunctionName: functionName, Name: 'live' }),
      )
    ).FunctionVersion;

  it('deploys the stack: a change set created and executed, outputs and the alias on version 1', async () => {
    const first = await cdk('deploy', '--require-approval', 'never', '--parameters', 'LiveAliasVersion=');
    expect(first.code, first.output).toBe(0);
    expect(first.operations).toEqual(expect.arrayContaining(['CreateChangeSet', 'ExecuteChangeSet']));
    const created = await stack();
    expect(created?.StackStatus).toBe('CREATE_COMPLETE');
    expect(output(created, 'NewVersion')).toBe('1');
    expect(await alias(output(created, 'FunctionName') as string)).toBe('1');
  }, 300_000);

  it('a second deploy finds nothing to do: DeleteChangeSet of its change set succeeds, the empty one is not executed', async () => {
    const again = await cdk('deploy', '--require-approval', 'never', '--parameters', 'LiveAliasVersion=');
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/no changes/i);
    expect(again.operations).not.toContain('ExecuteChangeSet');
    expect((await stack())?.StackStatus).toBe('CREATE_COMPLETE');
  }, 300_000);

  it('a code update publishes version 2 and leaves the alias where it is (LiveAliasVersion=1, as the product does)', async () => {
    await handler(201);
    const update = await cdk('deploy', '--require-approval', 'never', '--parameters', 'LiveAliasVersion=1');
    expect(update.code, update.output).toBe(0);
    expect(update.operations).toContain('ExecuteChangeSet');
    const updated = await stack();
    expect(updated?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(output(updated, 'NewVersion')).toBe('2');
    expect(await alias(output(updated, 'FunctionName') as string)).toBe('1');
  }, 300_000);

  it('destroys it', async () => {
    const { StackId } = (await stack()) ?? {};
    const destroyed = await cdk('destroy', '--force');
    expect(destroyed.code, destroyed.output).toBe(0);
    expect(destroyed.operations).toContain('DeleteStack');
    await expect(stack()).rejects.toThrow(`Stack with id ${STACK} does not exist`);
    const gone = await new CloudFormationClient(fake.sdkConfig).send(
      new DescribeStacksCommand({ StackName: StackId }),
    );
    expect(gone.Stacks?.[0]?.StackStatus).toBe('DELETE_COMPLETE');
  }, 300_000);
});
