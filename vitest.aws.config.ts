import { defineConfig } from 'vitest/config';

/**
 * `npm run test:aws`: the opt-in suite for a real AWS account (test/real-aws/users-day.aws-test.ts). The
 * default config (vitest.config.ts, `npm test`) includes only *.test.ts, so it never runs this file.
 */
export default defineConfig({
  test: {
    include: ['test/real-aws/**/*.aws-test.ts'],
    // A CloudFront distribution takes minutes to create and to delete; a canary 5 minutes; the cleanup waits.
    testTimeout: 2 * 60 * 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    globalSetup: ['test/real-aws/global-setup.ts'],
    reporters: ['default'],
  },
});
