import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { describeStack, stackOutputs } from '../deploy/stack-state.js';
import { UserError } from '../errors.js';
import { OUTPUTS } from '../stack-contract.js';
import type { Session } from './session.js';

/** Where the function's logs are: the stack's LogGroupName output (Lambda's default group on older stacks). */
export interface LogsTarget {
  logs: CloudWatchLogsClient;
  logGroupName: string;
  functionName: string;
  /** AWS's time now: `--since` counts back from it. */
  serverNow: () => number;
}

export async function openLogs(session: Session): Promise<LogsTarget> {
  const { env, clients } = session;
  const outputs = stackOutputs(await describeStack(await clients.cloudFormation(), env.stackName));
  const functionName = outputs[OUTPUTS.functionName];
  if (!functionName) {
    throw new UserError(
      `Stack ${env.stackName} in ${session.region} has no function: there are no logs to read.`,
      {
        code: 'StackNotFound',
        suggestion: 'Run `serverless-infra deploy` first.',
      },
    );
  }
  return {
    logs: await clients.cloudWatchLogs(),
    logGroupName: outputs[OUTPUTS.logGroupName] || `/aws/lambda/${functionName}`,
    functionName,
    serverNow: () => clients.serverNow(),
  };
}
