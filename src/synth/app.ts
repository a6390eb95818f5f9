import type * as cdk from 'aws-cdk-lib/core';
import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import type { ResolvedEnvironment } from '../config/schema.js';
import { UserError } from '../errors.js';
import { STAGING_BUCKET_PLACEHOLDER } from '../stack-contract.js';
import { requireCdk } from './cdk-modules.js';
import { FEATURE_FLAGS } from './feature-flags.js';
import { prepareHandlerCode } from './handler-code.js';
import type { SynthMessage, SynthOptions, SynthResult } from './index.js';
import { type HandlerCode, ServerlessStack } from './stack.js';

const { App, CliCredentialsStackSynthesizer } = requireCdk('aws-cdk-lib/core') as typeof cdk;

export interface AppOptions {
  /** Where the cloud assembly goes; a temporary directory when omitted (the cdk CLI passes CDK_OUTDIR). */
  outdir?: string | undefined;
  validate?: boolean | undefined;
}

/** The App and the stack, identical whether the CLI synthesizes in-process or `cdk synth` runs cdk-app.js. */
export function createApp(env: ResolvedEnvironment, code: HandlerCode, options: AppOptions = {}) {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    context: { ...FEATURE_FLAGS },
    analyticsReporting: false,
    treeMetadata: false,
    stackTraces: false,
    // ~2.5 s and ~340 MiB of WASM per synth (DESIGN D2): only when asked for.
    builtinCloudFormationValidation: options.validate ?? false,
  });
  const stack = new ServerlessStack(app, env.stackName, {
    environment: env,
    code,
    env: { region: env.region }, // the account is whatever the deploy credentials belong to
    synthesizer: new CliCredentialsStackSynthesizer({
      // The CLI's own staging bucket, created by the deploy engine's toolkit stack (no `cdk bootstrap`).
      fileAssetsBucketName: STAGING_BUCKET_PLACEHOLDER,
      bucketPrefix: '',
    }),
  });
  return { app, stack };
}

export async function synthesizeStack(
  env: ResolvedEnvironment,
  options: SynthOptions = {},
): Promise<SynthResult> {
  const code = await prepareHandlerCode(env.handler, options.projectDir ?? process.cwd(), undefined, {
    smokeTest: env.smokeTest,
  });
  try {
    let built: ReturnType<typeof createApp>;
    let assembly: ReturnType<cdk.App['synth']>;
    try {
      built = createApp(env, code, { outdir: options.outdir, validate: options.validate });
      assembly = built.app.synth();
    } catch (error) {
      throw constructError(error);
    }
    const artifact = assembly.getStackByName(built.stack.stackName);
    return { assembly, stack: artifact, messages: messagesOf(artifact) };
  } finally {
    await code.dispose();
  }
}

/** Construct warnings and errors do not fail synth(): they are metadata on the stack artifact. */
export function messagesOf(artifact: CloudFormationStackArtifact): SynthMessage[] {
  return artifact.messages.map((m) => ({
    level: m.level as SynthMessage['level'],
    path: m.id,
    message: typeof m.entry.data === 'string' ? m.entry.data : JSON.stringify(m.entry.data),
  }));
}

/** A construct that throws while synthesizing is a problem with the input: one clear message, no stack. */
function constructError(error: unknown): UserError {
  const e = error as Error & { constructPath?: string };
  const where = e.constructPath ? ` (at ${e.constructPath})` : '';
  return new UserError(`The stack cannot be synthesized: ${e.message}${where}`, {
    suggestion: 'Check the environment in serverless-infra.json; run with --verbose for details.',
    cause: error,
  });
}
