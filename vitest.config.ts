import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One moto_server for the run (offline S3/DynamoDB/SNS/CloudWatch); see test/support/moto.ts.
    globalSetup: ['test/support/global-setup.ts'],
    // The JSON report is what .ci/run reads for its "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary'] },
  },
});
