import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { rootCauses, StackMonitor } from '../../src/deploy/stack-events.js';
import { event, STACK } from './fixtures.js';

const cfn = mockClient(CloudFormationClient);
beforeEach(() => cfn.reset());

describe('rootCauses', () => {
  it('keeps the first real failures, drops cancellations and knock-on stack reasons, adds hints', () => {
    const events = [
      event(STACK, 'UPDATE_IN_PROGRESS'),
      event('Bucket', 'UPDATE_FAILED', 'cf-serverless-abc already exists', 'AWS::S3::Bucket'),
      event('Fn', 'UPDATE_FAILED', 'Resource update cancelled'),
      event(STACK, 'UPDATE_ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to update: [Bucket].'),
    ];
    const causes = rootCauses(events, STACK);
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatchObject({ logicalId: 'Bucket', status: 'UPDATE_FAILED' });
    expect(causes[0]?.hint).toMatch(/already exists|outside this stack/);
  });

  it('falls back to the stack event when no resource says why', () => {
    const causes = rootCauses([event(STACK, 'CREATE_FAILED', 'Template error: something')], STACK);
    expect(causes[0]?.reason).toBe('Template error: something');
  });
});

describe('StackMonitor', () => {
  it('survives throttling: backs off, keeps polling and finishes', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    cfn
      .on(DescribeStackEventsCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolves({ StackEvents: [event(STACK, 'UPDATE_COMPLETE'), event('Fn', 'UPDATE_COMPLETE')] });
    cfn
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: STACK, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
    const waits: number[] = [];
    const monitor = new StackMonitor(new CloudFormationClient({ region: 'eu-west-1' }));
    const result = await monitor.watch({
      stackName: STACK,
      after: undefined,
      pollMs: 100,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(result.stackStatus).toBe('UPDATE_COMPLETE');
    expect(waits).toEqual([200, 400]);
  });

  it('slows down while nothing happens and reports each event once, oldest first', async () => {
    const first = [event('Fn', 'UPDATE_IN_PROGRESS')];
    const final = [event(STACK, 'UPDATE_COMPLETE'), event('Fn', 'UPDATE_COMPLETE'), ...first];
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce({ StackEvents: first })
      .resolvesOnce({ StackEvents: first })
      .resolvesOnce({ StackEvents: first })
      .resolves({ StackEvents: final });
    cfn
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: STACK, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
    const waits: number[] = [];
    const seen: string[] = [];
    let progress = '';
    const result = await new StackMonitor(new CloudFormationClient({ region: 'eu-west-1' })).watch({
      stackName: STACK,
      after: undefined,
      pollMs: 100,
      expected: 1,
      sleep: async (ms) => {
        waits.push(ms);
      },
      listener: {
        onEvent: (e) => seen.push(`${e.LogicalResourceId} ${e.ResourceStatus}`),
        onProgress: (_rows, done, total) => {
          progress = `${done}/${total}`;
        },
      },
    });
    expect(result.outcome).toBe('finished');
    expect(waits).toEqual([100, 150, 225]);
    expect(seen).toEqual(['Fn UPDATE_IN_PROGRESS', 'Fn UPDATE_COMPLETE', `${STACK} UPDATE_COMPLETE`]);
    expect(progress).toBe('1/1');
  });
});
