// The package build: TypeScript -> dist/, the Lambda runtime bundle (esbuild, once here and never at
// synth time), oclif bundled into dist/oclif.js, then oclif.manifest.json so that --help never loads a command
// module.
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

// oclif, bundled over tsc's dist/oclif.js (src/oclif.ts): ESM, so that importing it needs no CommonJS export
// scan, and with a `require` for the few modules oclif loads on demand and that stay outside (typescript, only
// to read a tsconfig in development).
await build({
  entryPoints: ['src/oclif.ts'],
  outfile: 'dist/oclif.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['typescript'],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'eof', // the bundled packages' license notices
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
rmSync('dist/oclif.js.map'); // tsc's, of the file just replaced

// The oclif tool's own "update available" notice would only be noise in every install.
process.env.OCLIF_SKIP_NEW_VERSION_CHECK = 'true';
run(process.execPath, ['node_modules/oclif/bin/run.js', 'manifest']);
