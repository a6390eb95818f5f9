import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Most files wait on child processes (the built binary, moto, tmux) rather than compute: more files at
    // once than cores (vitest's default is cores - 1, one file at a time on a 2-core machine). No test may
    // depend on the machine's speed, so this is also how CI checks that none does.
    maxWorkers: Math.max(4, availableParallelism()),
    hookTimeout: 60_000,
    // The SDK's Node.js 22 notice would repeat in every test process (bin/run.js silences it the same way).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // One moto_server for the run (offline S3/DynamoDB/SNS/CloudWatch); see test/support/moto.ts.
    globalSetup: ['test/support/global-setup.ts'],
    // The JSON report is what .ci/run reads for its "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary'] },
  },
});
