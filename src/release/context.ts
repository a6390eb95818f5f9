import type { ResolvedEnvironment } from '../config/schema.js';
import { createReleaseClients, type ReleaseClients } from './clients.js';
import { type GroupSettings, groupSettings } from './deployment.js';
import { type ReleaseStack, readReleaseStack } from './stack.js';

/** What every release operation works on: the environment, its region, the clients and the stack's wiring. */
export interface ReleaseContext {
  env: ResolvedEnvironment;
  region: string;
  clients: ReleaseClients;
  stack: ReleaseStack;
  group: GroupSettings;
}

export async function openRelease(
  env: ResolvedEnvironment,
  options: { region?: string | undefined; profile?: string | undefined },
): Promise<ReleaseContext> {
  const region = options.region ?? env.region;
  const clients = await createReleaseClients({ region, profile: options.profile });
  const stack = await readReleaseStack(clients.cloudformation, env.stackName);
  const group = await groupSettings(clients.codedeploy, stack);
  return { env, region, clients, stack, group };
}
