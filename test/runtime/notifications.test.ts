import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PublishedMessage, startSnsSink } from '../../src/dev/sns-sink.js';
import { ERROR_NOTIFICATION_WINDOW_MS, Notifications } from '../../src/runtime/notifications.js';

let sink: Awaited<ReturnType<typeof startSnsSink>>;
const published: PublishedMessage[] = [];

beforeAll(async () => {
  sink = await startSnsSink((message) => published.push(message));
});
afterAll(async () => {
  await sink?.stop();
});

it('sends one error notification per window and counts the ones it held back', async () => {
  let now = 1_000_000;
  const sns = new SNSClient({
    endpoint: sink.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const notifications = new Notifications(sns, 'arn:aws:sns:us-east-1:000000000000:t', 'Staging', () => now);
  const details = (requestId: string) => ({ requestId, method: 'GET', path: '/items', error: 'Boom' });

  expect(await notifications.unexpectedError(details('a'))).toBe(true);
  now += 1_000;
  expect(await notifications.unexpectedError(details('b'))).toBe(false);
  expect(await notifications.unexpectedError(details('c'))).toBe(false);
  now += ERROR_NOTIFICATION_WINDOW_MS;
  expect(await notifications.unexpectedError(details('d'))).toBe(true);

  expect(published.map((m) => JSON.parse(m.message).requestId)).toEqual(['a', 'd']);
  expect(JSON.parse(published[1]!.message).suppressedSinceLastNotification).toBe(2);
  expect(published[0]!.subject).toBe('[Staging] Items API error');
  sns.destroy();
});
