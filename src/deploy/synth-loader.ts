import type { ResolvedEnvironment } from '../config/schema.js';
import type { SynthResult } from '../synth/index.js';

/**
 * Synthesizes the environment's stack in its effective region (--region over the project file). The synth
 * service is imported only here, when a command needs it, so aws-cdk-lib stays out of --help and of
 * commands that do not synthesize.
 */
export async function synthesizeFor(
  env: ResolvedEnvironment,
  region: string,
  options: { validate?: boolean } = {},
): Promise<SynthResult> {
  const { synthesize } = await import('../synth/index.js');
  return synthesize({ ...env, region: region as ResolvedEnvironment['region'] }, options);
}
