// The package build: TypeScript -> dist/, the Lambda runtime bundle (esbuild, once here and never at
// synth time), then oclif.manifest.json so that --help never loads a command module.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);

await build({
  entryPoints: ['src/runtime/index.ts'],
  outfile: 'dist/runtime/index.mjs',
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // The Node.js 24 Lambda runtime provides AWS SDK v3: keep it out of the bundle.
  external: ['@aws-sdk/*', '@smithy/*'],
  legalComments: 'none',
  metafile: false,
  logLevel: 'warning',
});

run(process.execPath, ['node_modules/oclif/bin/run.js', 'manifest']);
