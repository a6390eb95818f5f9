import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { CALLS_PATH, type FakeAws, startFakeAws } from '../support/fake-aws/index.js';

/**
 * The test modes that make the fake behave like AWS on a bad day, so a client that assumes otherwise is
 * caught: a clock that is not the client's, reads that lag writes, a load balancer's errors and resets.
 */
const MINUTE = 60_000;
const TEMPLATE = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });

let fake: FakeAws | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function createStack(f: FakeAws, cfn: CloudFormationClient, name: string): Promise<void> {
  await cfn.send(
    new CreateChangeSetCommand({
      StackName: name,
      ChangeSetName: 'c',
      ChangeSetType: 'CREATE',
      TemplateBody: TEMPLATE,
    }),
  );
  await f.clock.advance(1000);
  await cfn.send(new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: 'c' }));
  await f.clock.runAll();
}

describe('clock skew: the fake runs ahead of or behind the wall clock', () => {
  for (const skew of [10 * MINUTE, -10 * MINUTE]) {
    it(`${skew > 0 ? '+' : '-'}10 min: every timestamp in its answers, and the Date header, follow its clock`, async () => {
      const before = Date.now();
      fake = await startFakeAws({ clockSkewMs: skew });
      const after = Date.now();
      const start = fake.clock.now();
      expect(start).toBeGreaterThanOrEqual(before + skew);
      expect(start).toBeLessThanOrEqual(after + skew);

      const cfn = new CloudFormationClient(fake.sdkConfig);
      await createStack(fake, cfn, 'skewed');
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'skewed' }))).Stacks?.[0];
      expect(stack?.CreationTime?.getTime()).toBe(start);
      const events =
        (await cfn.send(new DescribeStackEventsCommand({ StackName: 'skewed' }))).StackEvents ?? [];
      for (const event of events) {
        expect(event.Timestamp?.getTime()).toBeGreaterThanOrEqual(start);
        expect(event.Timestamp?.getTime()).toBeLessThanOrEqual(fake.clock.now());
      }
      const fn = await new LambdaClient(fake.sdkConfig).send(
        new CreateFunctionCommand({
          FunctionName: 'skewed',
          Role: 'arn:aws:iam::123456789012:role/r',
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Code: { ZipFile: new TextEncoder().encode('x') },
        }),
      );
      expect(Date.parse((fn.LastModified as string).replace('+0000', 'Z'))).toBe(fake.clock.now());

      // The Date header is the server's clock, skewed too (an unsigned request: the default scope).
      const sent = Date.now();
      const answer = await fetch(fake.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=DescribeStacks&Version=2010-05-15',
      });
      const date = Date.parse(answer.headers.get('date') as string);
      expect(date).toBeGreaterThanOrEqual(Math.floor((sent + skew) / 1000) * 1000);
      expect(date).toBeLessThanOrEqual(Date.now() + skew);
    });
  }

  it('in real time, a clock behind the wall clock stays behind it by the skew', async () => {
    fake = await startFakeAws({ clockSkewMs: -10 * MINUTE, timeScale: 1 });
    // Ten ticks of the real-time ticker (20 ms each), counted by ticks rather than by time.
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.clock.now()).toBeLessThanOrEqual(Date.now() - 10 * MINUTE);
  });
});

describe('eventual consistency: reads lag writes by a few polls', () => {
  it('DescribeStacks and DescribeStackResources show a write only from the third read after it', async () => {
    fake = await startFakeAws({ lagReadsPolls: 2 });
    const cfn = new CloudFormationClient(fake.sdkConfig);
    const { StackId: stackId } = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'lagging',
        ChangeSetName: 'c',
        ChangeSetType: 'CREATE',
        TemplateBody: TEMPLATE,
      }),
    );
    const status = async () =>
      (await cfn.send(new DescribeStacksCommand({ StackName: 'lagging' }))).Stacks?.[0]?.StackStatus;
    const resources = async () =>
      (
        (await cfn.send(new DescribeStackResourcesCommand({ StackName: 'lagging' }))).StackResources ?? []
      ).map((r) => r.ResourceStatus);
    expect(await status()).toBe('REVIEW_IN_PROGRESS');
    expect(await resources()).toEqual([]);
    await fake.clock.advance(1000);
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'lagging', ChangeSetName: 'c' }));
    await fake.clock.runAll();
    expect(fake.state.cloudformation.inspect('lagging')?.status).toBe('CREATE_COMPLETE');
    expect([await status(), await status(), await status(), await status()]).toEqual([
      'REVIEW_IN_PROGRESS',
      'REVIEW_IN_PROGRESS',
      'CREATE_COMPLETE',
      'CREATE_COMPLETE',
    ]);
    expect([await resources(), await resources(), await resources()]).toEqual([[], [], ['CREATE_COMPLETE']]);

    // A delete lags too: by name the stack still answers twice, then "does not exist".
    await cfn.send(new DeleteStackCommand({ StackName: 'lagging' }));
    await fake.clock.runAll();
    expect(await status()).toBe('CREATE_COMPLETE');
    expect(await status()).toBe('CREATE_COMPLETE');
    await expect(status()).rejects.toThrow('Stack with id lagging does not exist');

    // Events are not lagged: they are what a client follows an operation by (the deleted stack by its id).
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: stackId }))).StackEvents;
    expect(events?.[0]?.ResourceStatus).toBe('DELETE_COMPLETE');
  });

  it('lagReads(0) turns it off', async () => {
    fake = await startFakeAws({ lagReadsPolls: 3 });
    fake.faults.lagReads(0);
    const cfn = new CloudFormationClient(fake.sdkConfig);
    await cfn.send(new DescribeStacksCommand({})).catch(() => undefined);
    await createStack(fake, cfn, 'prompt');
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'prompt' }))).Stacks?.[0];
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
  });
});

describe('transient faults: a load balancer between the client and AWS', () => {
  /** One raw call (no SDK retry): its status and body, or 'reset' when the connection was cut. */
  async function call(f: FakeAws): Promise<string> {
    try {
      const answer = await fetch(f.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=DescribeStacks&Version=2010-05-15',
      });
      const body = await answer.text();
      return `${answer.status} ${answer.headers.get('content-type')} ${body.startsWith('<html>') ? 'html' : 'xml'}`;
    } catch {
      return 'reset';
    }
  }

  it('injects HTML 5xx pages and connection resets at random calls, the same ones for the same seed', async () => {
    fake = await startFakeAws({ transientFaults: { seed: 42, rate: 0.4 } });
    const first: string[] = [];
    for (let i = 0; i < 40; i++) first.push(await call(fake));
    expect(first.filter((c) => c === 'reset').length).toBeGreaterThan(0);
    const html = first.filter((c) => c.endsWith('html'));
    expect(html.length).toBeGreaterThan(0);
    for (const c of html) expect(c).toMatch(/^50[234] text\/html html$/);
    expect(first.filter((c) => c === '200 text/xml xml').length).toBeGreaterThan(10);

    fake.faults.transientFaults({ seed: 42, rate: 0.4 });
    const again: string[] = [];
    for (let i = 0; i < 40; i++) again.push(await call(fake));
    expect(again).toEqual(first);
  });

  it('can be limited to some operations; an SDK client without retries sees the HTTP status', async () => {
    fake = await startFakeAws();
    fake.faults.transientFaults({
      seed: 1,
      rate: 1,
      kinds: ['html-5xx'],
      operations: ['DescribeStackEvents'],
    });
    const cfn = new CloudFormationClient({ ...fake.sdkConfig, maxAttempts: 1 });
    await expect(cfn.send(new DescribeStacksCommand({}))).resolves.toBeDefined();
    const failure = await cfn.send(new DescribeStackEventsCommand({ StackName: 'any' })).catch((e) => e);
    expect([502, 503, 504]).toContain(failure.$metadata?.httpStatusCode);
    fake.faults.clear();
    await expect(cfn.send(new DescribeStackEventsCommand({ StackName: 'any' }))).rejects.toThrow(
      /does not exist/,
    );
  });
});

describe('counting the calls a client makes', () => {
  it('counts control-plane calls, and data-plane calls passed on to moto when they go through the fake', async () => {
    fake = await startFakeAws({ proxyDataPlane: true });
    expect(fake.env.AWS_ENDPOINT_URL_S3).toBe(fake.endpoint);
    const cfn = new CloudFormationClient(fake.sdkConfig);
    await cfn.send(new DescribeStacksCommand({}));
    await cfn.send(new DescribeStacksCommand({})).catch(() => undefined);
    const s3 = new S3Client({
      ...fake.sdkConfig,
      endpoint: fake.env.AWS_ENDPOINT_URL_S3,
      forcePathStyle: true,
    });
    const Bucket = `counted-${process.pid}-${Date.now()}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'k' }))).ContentLength).toBe(1);
    expect(fake.calls()).toEqual({
      total: 5,
      byService: { cloudformation: 2, s3: 3 },
      byOperation: { 'cloudformation:DescribeStacks': 2, 's3:HEAD': 1, 's3:PUT': 2 },
    });
    // Over HTTP, for a client in another process: read, then zero.
    const read = (await fetch(`${fake.endpoint}${CALLS_PATH}`).then((r) => r.json())) as { total: number };
    expect(read.total).toBe(5);
    await fetch(`${fake.endpoint}${CALLS_PATH}`, { method: 'POST' });
    expect(fake.calls().total).toBe(0);
  });
});
