import { AwsClients } from '../aws/clients.js';
import { loadProject, resolveEnvironment } from '../config/project-file.js';
import type { ResolvedEnvironment } from '../config/schema.js';

export interface Session {
  env: ResolvedEnvironment;
  /** --region, else the project file's. */
  region: string;
  clients: AwsClients;
}

/** The environment a command works on and the AWS clients for it (`--profile`, `--region` over the file). */
export async function openSession(flags: {
  environment?: string;
  region?: string;
  profile?: string;
}): Promise<Session> {
  const env = resolveEnvironment(await loadProject(), flags.environment);
  const region = flags.region ?? env.region;
  return { env, region, clients: new AwsClients({ region, profile: flags.profile }) };
}
