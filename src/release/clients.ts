import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { type AwsContext, clientConfig } from '../aws/clients.js';

/** The four AWS services a release talks to. Commands reach this module only through a dynamic import. */
export interface ReleaseClients {
  codedeploy: CodeDeployClient;
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  cloudformation: CloudFormationClient;
}

export async function createReleaseClients(context: AwsContext): Promise<ReleaseClients> {
  const config = await clientConfig(context);
  return {
    codedeploy: new CodeDeployClient(config),
    lambda: new LambdaClient(config),
    cloudwatch: new CloudWatchClient(config),
    cloudformation: new CloudFormationClient(config),
  };
}
