import { AwsClients } from '../aws/clients.js';
import { loadProject, resolveEnvironment } from '../config/project-file.js';
import type { ResolvedEnvironment } from '../config/schema.js';
import type { DeployUi } from './interaction.js';

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

/** What every AWS command of this area starts with: the session and the UI for its flags. */
export async function openCommand(
  flags: { environment?: string; region?: string; profile?: string; verbose: boolean; yes: boolean },
  output: { json: boolean; interactive: boolean },
): Promise<{ session: Session; ui: DeployUi }> {
  const { terminalUi } = await import('./terminal-ui.js');
  const session = await openSession(flags);
  return { session, ui: terminalUi({ ...output, verbose: flags.verbose, yes: flags.yes }) };
}
