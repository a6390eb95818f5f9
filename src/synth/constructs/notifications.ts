import type { IKey } from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ITEM_EVENT_ATTRIBUTE } from '../../runtime/contract.js';
import { requireCdk } from '../cdk-modules.js';

const { SubscriptionFilter, Topic } = requireCdk('aws-cdk-lib/aws-sns') as typeof sns;
const { EmailSubscription } = requireCdk('aws-cdk-lib/aws-sns-subscriptions') as typeof subscriptions;

export interface NotificationsProps {
  email: string;
  key: IKey;
}

/**
 * The topic the handler and the alarms publish to, encrypted with the customer key. The owner's e-mail gets
 * errors and alarms, not the per-item events: Amazon SNS delivers to an e-mail subscription at 10 messages a
 * second at most and disables a subscription that is sent more (docs/scale.md), which would silence the
 * alarms at 10 creates a second. Item events carry the ITEM_EVENT_ATTRIBUTE message attribute; the e-mail
 * subscription's filter takes only messages without it. Other subscribers (a queue, a function) get them all.
 */
export class Notifications extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { masterKey: props.key, enforceSSL: true });
    this.topic.addSubscription(
      new EmailSubscription(props.email, {
        filterPolicy: { [ITEM_EVENT_ATTRIBUTE]: SubscriptionFilter.notExistsFilter() },
      }),
    );
  }
}
