import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { GroupSettings } from './deployment.js';
import type { ReleaseStack } from './stack.js';

/** The AWS services a release talks to (CloudWatch Logs: the smoke hook's report, when there is one). */
export interface ReleaseClients {
  codedeploy: CodeDeployClient;
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  logs?: CloudWatchLogsClient | undefined;
}

/**
 * What every release operation works on: the region, the clients, the stack's release wiring and its
 * deployment group's settings. Opened by src/environment/release-context.ts, which reads the stack.
 */
export interface ReleaseContext {
  /** The environment's name, for messages ("shift --watch -e Staging"). */
  environment: string;
  region: string;
  clients: ReleaseClients;
  stack: ReleaseStack;
  group: GroupSettings;
  /** AWS's time now (the last answer's Date header): what its timestamps are compared with. */
  serverNow: () => number;
}
