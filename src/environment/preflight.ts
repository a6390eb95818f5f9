import type { AwsClients } from '../aws/clients.js';
import { UserError } from '../errors.js';
import { findInFlight } from '../release/deployment.js';
import { releaseStackFromOutputs } from '../release/stack.js';
import type { StackOutputs } from '../stack-contract.js';

/**
 * Refuses while a deployment of the stack's CodeDeploy group is in flight: deploying or destroying under a
 * running traffic shift would race it. Release's own `findInFlight` decides, on the group the outputs name.
 */
export async function refuseWhileShifting(
  clients: AwsClients,
  stackName: string,
  outputs: StackOutputs,
  doing: 'deploying' | 'destroying',
): Promise<void> {
  const wiring = releaseStackFromOutputs(stackName, outputs);
  if (!wiring) return; // not deployed yet, or from before the release wiring: nothing can be in flight
  let id: string | undefined;
  try {
    id = await findInFlight(await clients.codeDeploy(), wiring);
  } catch (error) {
    // The group may not exist (yet): nothing can be in flight.
    if (/DoesNotExist/.test((error as Error).name)) return;
    throw error;
  }
  if (id) {
    throw new UserError(
      `A traffic shift is in flight (CodeDeploy deployment ${id}); ${doing} now would race it.`,
      {
        code: 'ShiftInFlight',
        suggestion:
          'Wait for it with `serverless-infra shift --watch`, or stop it with `serverless-infra rollback`.',
      },
    );
  }
}

/** Lambda keeps at least this much concurrency unreserved in every account. */
const MIN_UNRESERVED = 100;

/**
 * Reserved concurrency fails the whole stack update when the account cannot spare it (the seed's fixed
 * 100 did exactly that in new accounts): check before changing anything.
 */
export async function checkConcurrency(
  clients: AwsClients,
  reserved: number | undefined,
  functionName: string | undefined,
): Promise<void> {
  if (!reserved) return;
  const Lambda = await import('@aws-sdk/client-lambda');
  const lambda = await clients.lambda();
  const settings = await lambda.send(new Lambda.GetAccountSettingsCommand({}));
  let current = 0;
  if (functionName) {
    const out = await lambda
      .send(new Lambda.GetFunctionConcurrencyCommand({ FunctionName: functionName }))
      .catch(() => undefined);
    current = out?.ReservedConcurrentExecutions ?? 0;
  }
  const unreserved = (settings.AccountLimit?.UnreservedConcurrentExecutions ?? 0) + current;
  if (unreserved - reserved < MIN_UNRESERVED) {
    const total = settings.AccountLimit?.ConcurrentExecutions ?? 0;
    throw new UserError(
      `Reserved concurrency ${reserved} does not fit: the account has ${unreserved} unreserved of ${total}, and Lambda keeps ${MIN_UNRESERVED} unreserved.`,
      {
        code: 'ConcurrencyQuota',
        suggestion: `Lower reservedConcurrency to at most ${Math.max(0, unreserved - MIN_UNRESERVED)} in serverless-infra.json (or remove it), or ask AWS for a higher concurrency quota.`,
      },
    );
  }
}
