import type { BuildOptions } from 'esbuild';

/**
 * How every Lambda handler is bundled: the built-in items API once by the package build
 * (scripts/build.mjs), a user's own handler at synth time. Minified ESM for the Node.js 24 runtime,
 * which provides AWS SDK v3: the SDK stays out of the bundle.
 */
export const LAMBDA_BUNDLE_OPTIONS = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  external: ['@aws-sdk/*', '@smithy/*'],
  legalComments: 'none',
} as const satisfies BuildOptions;
