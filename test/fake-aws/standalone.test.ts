import { type ChildProcess, spawn } from 'node:child_process';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  waitUntilChangeSetCreateComplete,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { afterAll, describe, expect, it } from 'vitest';

/** `npm run fake-aws` as a person uses it: export lines on stdout, compressed time, Ctrl-C stops it. */
describe('standalone fake-aws', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the environment, runs a stack to completion in compressed time, and stops on SIGINT', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/fake-aws.ts', '--time-scale', '6000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = child;
    const env = await new Promise<Record<string, string>>((resolve, reject) => {
      let out = '';
      proc.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/^export AWS_EC2_METADATA_DISABLED=/m.test(out)) {
          resolve(
            Object.fromEntries(
              [...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
            ),
          );
        }
      });
      proc.on('exit', (code) => reject(new Error(`fake-aws exited with ${code}`)));
    });
    expect(env.AWS_ENDPOINT_URL_CLOUDFORMATION).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.AWS_ENDPOINT_URL_S3).not.toBe(env.AWS_ENDPOINT_URL_CLOUDFORMATION);

    const cfn = new CloudFormationClient({
      endpoint: env.AWS_ENDPOINT_URL_CLOUDFORMATION,
      region: env.AWS_REGION,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID as string,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
      },
    });
    const TemplateBody = JSON.stringify({
      Resources: { Topic: { Type: 'AWS::SNS::Topic' }, Bucket: { Type: 'AWS::S3::Bucket' } },
    });
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'by-hand',
        ChangeSetName: 'c',
        ChangeSetType: 'CREATE',
        TemplateBody,
      }),
    );
    const waiter = { client: cfn, maxWaitTime: 20, minDelay: 1, maxDelay: 1 };
    await waitUntilChangeSetCreateComplete(waiter, { StackName: 'by-hand', ChangeSetName: 'c' });
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'by-hand', ChangeSetName: 'c' }));
    await waitUntilStackCreateComplete(waiter, { StackName: 'by-hand' });
    expect(
      (await cfn.send(new DescribeStacksCommand({ StackName: 'by-hand' }))).Stacks?.[0]?.StackStatus,
    ).toBe('CREATE_COMPLETE');

    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
