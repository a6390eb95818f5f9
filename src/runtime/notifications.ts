import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { ITEM_EVENT_ATTRIBUTE } from './contract.js';
import type { Item } from './items-repository.js';
import { stringifyJson } from './json.js';

/** At most one error e-mail per window per function instance, so that an outage does not flood the inbox. */
export const ERROR_NOTIFICATION_WINDOW_MS = 60_000;

export class Notifications {
  private lastErrorAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
    private readonly environment: string,
    private readonly now: () => number = Date.now,
  ) {}

  async itemCreated(item: Item): Promise<void> {
    await this.publish(
      `[${this.environment}] Item created: ${item.name}`,
      { event: 'item.created', item },
      {
        // Kept off the owner's e-mail by its subscription filter (one message per create would exceed SNS's
        // e-mail rate); queues or functions subscribed to the topic get it.
        [ITEM_EVENT_ATTRIBUTE]: { DataType: 'String', StringValue: 'item.created' },
      },
    );
  }

  /** Returns whether a notification was sent (false inside the rate-limit window). */
  async unexpectedError(details: { requestId: string; method: string; path: string; error: string }) {
    const now = this.now();
    if (now - this.lastErrorAt < ERROR_NOTIFICATION_WINDOW_MS) {
      this.suppressed++;
      return false;
    }
    const suppressedBefore = this.suppressed;
    this.lastErrorAt = now;
    this.suppressed = 0;
    await this.publish(`[${this.environment}] Items API error`, {
      event: 'error',
      ...details,
      suppressedSinceLastNotification: suppressedBefore,
    });
    return true;
  }

  private async publish(
    subject: string,
    message: Record<string, unknown>,
    attributes?: PublishCommandInput['MessageAttributes'],
  ): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        ...(attributes ? { MessageAttributes: attributes } : {}),
        // SNS subjects: ASCII printable, at most 100 characters.
        Subject: subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
        Message: stringifyJson(message, 2),
      }),
    );
  }
}
