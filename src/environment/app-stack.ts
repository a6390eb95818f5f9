import type { Stack } from '@aws-sdk/client-cloudformation';
import type { AwsClients } from '../aws/clients.js';
import type { ResolvedEnvironment } from '../config/schema.js';
import type { StackHooks } from '../deploy/engine.js';
import { deployedParameters } from '../deploy/no-op.js';
import { stackOutputs } from '../deploy/stack-state.js';
import { LIVE_ALIAS, OUTPUTS, PARAMETERS, type StackOutputs } from '../stack-contract.js';
import { checkConcurrency, refuseWhileShifting } from './preflight.js';

/** The outputs every deploy of the app stack must leave behind (deploy, release, auth and status read them). */
const REQUIRED_OUTPUTS = [
  OUTPUTS.apiUrl,
  OUTPUTS.functionName,
  OUTPUTS.aliasArn,
  OUTPUTS.newVersion,
  OUTPUTS.codeDeployApplication,
  OUTPUTS.codeDeployDeploymentGroup,
];

/** What the alias `live` serves now; '' when the function or alias does not exist yet. */
export async function liveAliasVersion(
  clients: AwsClients,
  functionName: string | undefined,
): Promise<string> {
  if (!functionName) return '';
  const { GetAliasCommand } = await import('@aws-sdk/client-lambda');
  const lambda = await clients.lambda();
  try {
    const out = await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: LIVE_ALIAS }));
    return out.FunctionVersion ?? '';
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return '';
    throw error;
  }
}

/**
 * The app stack's side of the engine (deploy and diff alike, DESIGN D5):
 * - LiveAliasVersion is what the alias serves now, so a deploy never moves traffic ('' on the first deploy,
 *   where the alias starts on the version it publishes);
 * - a deployed '' counts as the version the stack published then (NewVersion), so a redeploy right after the
 *   first one is "nothing to do";
 * - before changing anything: no traffic shift in flight, and the reserved concurrency fits the account;
 * - after: the outputs everything else reads exist.
 */
export function appStackHooks(env: ResolvedEnvironment, clients: AwsClients): StackHooks {
  return {
    async liveParameters(stack) {
      const functionName = stackOutputs(stack)[OUTPUTS.functionName];
      return { [PARAMETERS.liveAliasVersion]: stack ? await liveAliasVersion(clients, functionName) : '' };
    },
    deployedParameters(stack: Stack) {
      const deployed = deployedParameters(stack);
      if (deployed[PARAMETERS.liveAliasVersion] === '') {
        deployed[PARAMETERS.liveAliasVersion] = stackOutputs(stack)[OUTPUTS.newVersion] ?? '';
      }
      return deployed;
    },
    async preflight(stack) {
      const outputs: StackOutputs = stackOutputs(stack);
      await refuseWhileShifting(clients, env.stackName, outputs, 'deploying');
      await checkConcurrency(clients, env.reservedConcurrency, outputs[OUTPUTS.functionName]);
    },
    requiredOutputs: REQUIRED_OUTPUTS,
  };
}
