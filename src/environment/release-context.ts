import { describeStack, stackOutputs } from '../deploy/stack-state.js';
import { UserError } from '../errors.js';
import type { ReleaseContext } from '../release/context.js';
import { groupSettings } from '../release/deployment.js';
import { missingReleaseOutputs, releaseStackFromOutputs } from '../release/stack.js';
import type { Session } from './session.js';

/** The deployed stack's release wiring and its deployment group: what shift and rollback start from. */
export async function openRelease(session: Session): Promise<ReleaseContext> {
  const { env, clients } = session;
  const stack = await describeStack(await clients.cloudFormation(), env.stackName);
  if (!stack) {
    throw new UserError(
      `Stack ${env.stackName} does not exist in ${session.region}: there is nothing to release to.`,
      {
        suggestion: 'Run `serverless-infra deploy` first.',
        code: 'StackNotFound',
      },
    );
  }
  const outputs = stackOutputs(stack);
  const wiring = releaseStackFromOutputs(env.stackName, outputs);
  if (!wiring) {
    throw new UserError(
      `Stack ${env.stackName} has no ${missingReleaseOutputs(outputs).join(', ')} output: it has no release wiring.`,
      {
        suggestion: 'Run `serverless-infra deploy` to update the stack, then try again.',
        code: 'StackNotReleasable',
      },
    );
  }
  const [codedeploy, lambda, cloudwatch, logs] = await Promise.all([
    clients.codeDeploy(),
    clients.lambda(),
    clients.cloudWatch(),
    clients.cloudWatchLogs(),
  ]);
  return {
    environment: env.name,
    region: session.region,
    clients: { codedeploy, lambda, cloudwatch, logs },
    stack: wiring,
    group: await groupSettings(codedeploy, wiring),
    serverNow: () => clients.serverNow(),
  };
}
