import { STSClient } from '@aws-sdk/client-sts';
import type { TestProject } from 'vitest/node';
import { type AccountDecision, decideAccount, RefusedError } from './account.js';

/**
 * globalSetup of `npm run test:aws` (vitest.aws.config.ts): decides once, before any test file loads, whether
 * the run may touch the account (account.ts), prints the one line that says so, and hands the decision to
 * the test file. A refusal fails the run before anything is created.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    realAccount: AccountDecision;
  }
}

export async function setup(project: TestProject): Promise<void> {
  // The SDK's Node.js version notice, silenced as in the test workers (vitest.aws.config.ts `env`).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let decision: AccountDecision;
  try {
    decision = await decideAccount(process.env, (region) => new STSClient({ region, maxAttempts: 3 }));
  } catch (error) {
    if (!(error instanceof RefusedError)) throw error;
    // One line, no stack: nothing was created, and the line says what to change (exit 2: bad input).
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${decision.message}\n`);
  project.provide('realAccount', decision);
}
