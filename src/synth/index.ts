/**
 * The synth service: the stack of one environment as a cloud assembly, in-process and offline.
 * This module stays light: aws-cdk-lib is imported only when synthesize() runs.
 */
import type { CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import type { ResolvedEnvironment } from '../config/schema.js';

export interface SynthOptions {
  /** Where to write the cloud assembly (default: a temporary directory). */
  outdir?: string;
  /** Run CDK's built-in CloudFormation validation (slow: ~2.5 s). */
  validate?: boolean;
  /** The directory of the project file: a relative `handler` is resolved from it (default: cwd). */
  projectDir?: string;
}

export interface SynthMessage {
  level: 'error' | 'warning' | 'info';
  path: string;
  message: string;
}

export interface SynthResult {
  assembly: CloudAssembly;
  /** The single app stack, named env.stackName. */
  stack: CloudFormationStackArtifact;
  messages: SynthMessage[];
}

export async function synthesize(env: ResolvedEnvironment, options: SynthOptions = {}): Promise<SynthResult> {
  // Before app.js loads aws-cdk-lib: most of a synth's start is compiling it (docs/synth.md, Performance).
  const { enableCompileCache } = await import('../compile-cache.js');
  const cache = enableCompileCache();
  const { synthesizeStack } = await import('./app.js');
  const result = await synthesizeStack(env, options);
  cache?.flush();
  return result;
}
