import type { ResolvedEnvironment } from '../config/schema.js';
import type { SynthResultLike } from './stack-source.js';

interface SynthModule {
  synthesize(
    env: ResolvedEnvironment,
    options?: { outdir?: string; validate?: boolean },
  ): Promise<SynthResultLike & { messages: Array<{ level: string; path: string; message: string }> }>;
}

/**
 * Loads the synth service (CONTRACT.md "Synth API") only when a command needs it, so aws-cdk-lib stays
 * out of --help and of commands that do not synthesize.
 */
export async function loadSynth(): Promise<SynthModule> {
  const specifier = '../synth/index.js';
  return (await import(specifier)) as SynthModule;
}

/** Synthesizes the session's environment in its effective region (--region over the project file). */
export async function synthesizeFor(
  env: ResolvedEnvironment,
  region: string,
  options: { validate?: boolean } = {},
): Promise<Awaited<ReturnType<SynthModule['synthesize']>>> {
  const { synthesize } = await loadSynth();
  return synthesize({ ...env, region: region as ResolvedEnvironment['region'] }, options);
}
