import type { AwsClients } from '../aws/clients.js';
import type { ResolvedEnvironment } from '../config/schema.js';
import { UserError } from '../errors.js';
import { OUTPUTS, type OutputName } from '../stack-contract.js';

/** One output of the environment's deployed stack (DescribeStacks), or an error saying to deploy first. */
export async function requiredStackOutput(
  env: ResolvedEnvironment,
  clients: AwsClients,
  name: OutputName,
): Promise<string> {
  const { describeStack, stackOutputs } = await import('../deploy/stack-state.js');
  const stack = await describeStack(await clients.cloudFormation(), env.stackName);
  if (!stack) {
    throw new UserError(`The stack ${env.stackName} does not exist in ${clients.region}.`, {
      suggestion: 'Deploy it first: serverless-infra deploy',
    });
  }
  const value = stackOutputs(stack)[OUTPUTS[name]];
  if (!value) {
    throw new UserError(`The stack ${env.stackName} has no output ${OUTPUTS[name]}.`, {
      suggestion: 'Deploy this version of serverless-infra first: serverless-infra deploy',
    });
  }
  return value;
}

/** The order and labels the Outputs table shows; outputs not named here follow by key. */
const LABELS: Array<[OutputName, string]> = [
  ['cloudFrontUrl', 'CloudFront URL'],
  ['apiUrl', 'API URL'],
  ['functionName', 'Function'],
  ['aliasArn', 'Alias'],
  ['newVersion', 'New version'],
  ['tableName', 'Table'],
  ['bucketName', 'Bucket'],
  ['logsBucketName', 'Logs bucket'],
  ['topicArn', 'Topic'],
  ['distributionId', 'Distribution'],
  ['codeDeployApplication', 'CodeDeploy app'],
  ['codeDeployDeploymentGroup', 'Deployment group'],
  ['aliasName', 'Alias name'],
  ['userPoolId', 'User pool'],
  ['userPoolClientId', 'User pool client'],
];

export function formatOutputs(outputs: Record<string, string>): string[] {
  const known = new Map(LABELS.map(([name, label]) => [OUTPUTS[name] as string, label]));
  const keys = [
    ...[...known.keys()].filter((k) => k in outputs),
    ...Object.keys(outputs)
      .filter((k) => !known.has(k))
      .sort(),
  ];
  if (keys.length === 0) return [];
  const labels = keys.map((k) => known.get(k) ?? k);
  const width = Math.max(...labels.map((l) => l.length));
  return keys.map((k, i) => `  ${(labels[i] as string).padEnd(width)}  ${outputs[k]}`);
}

export type SubscriptionState = 'pending-confirmation' | 'confirmed' | 'none' | 'unknown';

/** Whether the e-mail subscription of the topic still waits for the recipient to click the link. */
export async function subscriptionState(
  clients: AwsClients,
  topicArn: string | undefined,
): Promise<SubscriptionState> {
  if (!topicArn) return 'unknown';
  const { ListSubscriptionsByTopicCommand } = await import('@aws-sdk/client-sns');
  try {
    const sns = await clients.sns();
    const out = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    const subscriptions = out.Subscriptions ?? [];
    if (subscriptions.length === 0) return 'none';
    return subscriptions.some((s) => s.SubscriptionArn === 'PendingConfirmation')
      ? 'pending-confirmation'
      : 'confirmed';
  } catch {
    return 'unknown';
  }
}
