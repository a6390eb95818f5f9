/**
 * `npm run test:aws`: the user's day on a REAL AWS account (scenario.ts), through the built binary. Runs only
 * when SERVERLESS_INFRA_TEST_ACCOUNT names the account the credentials resolve to (global-setup.ts); never
 * part of `npm test` (its name is not *.test.ts; vitest.aws.config.ts includes it). The same scenario runs
 * against the offline AWS in every `npm test` (scenario.test.ts). What it costs and takes: docs/testing.md.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { EMAIL_VARIABLE, realAccountEnv } from './account.js';
import type { RunTarget } from './cleanup.js';
import { runUsersDay } from './scenario.js';

const decision = inject('realAccount');

describe.skipIf(!decision.run)("the user's day on a real AWS account", () => {
  it('init, deploy, redeploy, shift --watch, rollback mid-shift, status, destroy; nothing tagged is left', async () => {
    if (!decision.run) return;
    const region = decision.region;
    const target: RunTarget = {
      region,
      env: realAccountEnv(process.env, region),
      // The suite's own SDK calls use the default credential chain, as the CLI does.
      clients: {
        tagging: { region },
        kms: { region },
        cloudformation: { region },
        s3: { region },
        sts: { region },
        iam: { region },
        apigateway: { region },
      },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      // The Tagging API's index follows creations and deletions within minutes: 20 looks, 30 s apart.
      leftoverAttempts: 20,
      pollMs: 30_000,
      // A stack left busy by an interrupted step: up to 40 tries, 30 s apart, before the cleanup gives up.
      busyAttempts: 40,
      log: (line) => process.stderr.write(`[test:aws] ${line}\n`),
    };
    const day = await runUsersDay(target, {
      ...(process.env[EMAIL_VARIABLE] ? { email: process.env[EMAIL_VARIABLE] } : {}),
    });
    if (day.failure)
      throw new Error(`${day.failure.message}\n--- log\n${await readFile(day.logFile, 'utf8')}`);
    expect(day.cleanup.problems).toEqual([]);
    expect(day.cleanup.leftovers.filter((r) => r.state === 'present')).toEqual([]);
  });
});
