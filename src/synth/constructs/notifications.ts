import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface NotificationsProps {
  email: string;
  key: IKey;
}

/** The topic the handler and the alarms publish to, encrypted with the customer key, mailed to the owner. */
export class Notifications extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { masterKey: props.key, enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
