import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { AwsClients, type AwsContext } from '../aws/clients.js';

/** The four AWS services a release talks to. Commands reach this module only through a dynamic import. */
export interface ReleaseClients {
  codedeploy: CodeDeployClient;
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  cloudformation: CloudFormationClient;
}

/** From the shared factory (one configuration for every client, and its call log). */
export async function createReleaseClients(context: AwsContext): Promise<ReleaseClients> {
  const aws = new AwsClients(context);
  const [codedeploy, lambda, cloudwatch, cloudformation] = await Promise.all([
    aws.codeDeploy(),
    aws.lambda(),
    aws.cloudWatch(),
    aws.cloudFormation(),
  ]);
  return { codedeploy, lambda, cloudwatch, cloudformation };
}
