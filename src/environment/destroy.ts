import { type DestroyResult, destroyStack } from '../deploy/destroy.js';
import { stackOutputs } from '../deploy/stack-state.js';
import type { Interaction } from '../ui/interaction.js';
import { refuseWhileShifting } from './preflight.js';
import type { Session } from './session.js';

/** `destroy`: delete the environment's stack, unless a traffic shift is in flight (it would race it). */
export function destroyApp(
  session: Session,
  ui: Interaction,
  options: { confirmName?: string | undefined; disableTerminationProtection?: boolean | undefined },
): Promise<DestroyResult> {
  const { env, clients } = session;
  return destroyStack(env.stackName, clients, ui, {
    production: env.name === 'Production',
    ...options,
    preflight: (stack) => refuseWhileShifting(clients, env.stackName, stackOutputs(stack), 'destroying'),
  });
}
