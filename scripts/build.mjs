// The package build: TypeScript -> dist/, the Lambda runtime bundle (esbuild, once here and never at
// synth time), then oclif.manifest.json so that --help never loads a command module.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);

// The same bundling settings synth uses for a user's own handler (compiled just above).
const { LAMBDA_BUNDLE_OPTIONS } = await import('../dist/synth/lambda-bundle.js');
await build({
  ...LAMBDA_BUNDLE_OPTIONS,
  entryPoints: ['src/runtime/index.ts'],
  outfile: 'dist/runtime/index.mjs',
  logLevel: 'warning',
});

run(process.execPath, ['node_modules/oclif/bin/run.js', 'manifest']);
