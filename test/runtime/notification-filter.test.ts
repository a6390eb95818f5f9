// The owner's e-mail subscription takes errors and alarms, not the item events (Amazon SNS disables an e-mail
// subscription sent more than 10 messages a second: docs/scale.md). Checked on moto, not on our own stand-in:
// the handler's Notifications publish to a moto topic, a queue subscribed with the stack's filter policy
// (synthesized, not copied) receives what an e-mail subscription with that policy would get. The real AWS
// CLI reads the queue.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Notifications } from '../../src/runtime/notifications.js';
import { sharedMoto } from '../support/moto.js';
import { DEVELOPMENT, only, synthesized } from '../synth/synth-fixtures.js';

const region = 'eu-west-1';
let endpoint: string;
let sns: SNSClient;

function aws(args: string[]): unknown {
  const out = execFileSync('aws', [...args, '--endpoint-url', endpoint, '--output', 'json'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: region,
      AWS_ENDPOINT_URL: endpoint,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    },
  });
  return out ? JSON.parse(out) : undefined;
}

beforeAll(() => {
  endpoint = sharedMoto().endpoint;
  sns = new SNSClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
});
afterAll(() => sns?.destroy());

it('an item event does not reach a subscription with the e-mail filter; an error notification does', async () => {
  const subscription = only(synthesized(DEVELOPMENT).json, 'AWS::SNS::Subscription')[1];
  const filterPolicy = JSON.stringify(subscription.Properties!.FilterPolicy);
  const name = `filter-${randomUUID().slice(0, 8)}`;
  const { TopicArn } = aws(['sns', 'create-topic', '--name', name]) as { TopicArn: string };
  const { QueueUrl } = aws(['sqs', 'create-queue', '--queue-name', name]) as { QueueUrl: string };
  const { Attributes } = aws([
    'sqs',
    'get-queue-attributes',
    '--queue-url',
    QueueUrl,
    '--attribute-names',
    'QueueArn',
  ]) as {
    Attributes: { QueueArn: string };
  };
  aws([
    'sns',
    'subscribe',
    '--topic-arn',
    TopicArn,
    '--protocol',
    'sqs',
    '--notification-endpoint',
    Attributes.QueueArn,
    '--attributes',
    JSON.stringify({ FilterPolicy: filterPolicy, RawMessageDelivery: 'true' }),
  ]);

  const notifications = new Notifications(sns, TopicArn, 'Development');
  const now = new Date().toISOString();
  await notifications.itemCreated({
    id: randomUUID(),
    status: 'active',
    createdAt: now,
    updatedAt: now,
    version: 1,
    name: 'not mailed',
  });
  await notifications.unexpectedError({ requestId: 'r-1', method: 'GET', path: '/items', error: 'Boom' });

  const received = aws([
    'sqs',
    'receive-message',
    '--queue-url',
    QueueUrl,
    '--max-number-of-messages',
    '10',
  ]) as {
    Messages?: Array<{ Body: string }>;
  };
  const events = (received.Messages ?? []).map((m) => JSON.parse(m.Body).event);
  expect(events).toEqual(['error']);
});
