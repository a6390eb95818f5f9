import type { IKey } from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { requireCdk } from '../cdk-modules.js';

const { Topic } = requireCdk('aws-cdk-lib/aws-sns') as typeof sns;
const { EmailSubscription } = requireCdk('aws-cdk-lib/aws-sns-subscriptions') as typeof subscriptions;

export interface NotificationsProps {
  email: string;
  key: IKey;
}

/** The topic the handler and the alarms publish to, encrypted with the customer key, mailed to the owner. */
export class Notifications extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { masterKey: props.key, enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
