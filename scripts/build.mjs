// The package build: TypeScript -> dist/, the Lambda runtime bundle (esbuild, once here and never at
// synth time), oclif bundled into dist/oclif.js and its plugins against it, then oclif.manifest.json so that
// --help never loads a command module.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
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
// The release's smoke-test hook (a CodeDeploy lifecycle hook function), bundled the same way.
await build({
  ...LAMBDA_BUNDLE_OPTIONS,
  entryPoints: ['src/runtime/smoke-hook.ts'],
  outfile: 'dist/smoke-hook/index.mjs',
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

// oclif's own plugins (`help`, "did you mean" for an unknown command, shell completion), bundled where oclif looks
// for this CLI's commands and its command_not_found hook (package.json "oclif.hooks"), each importing the one
// oclif above. Declared in "oclif.plugins" instead, oclif would read three plugin manifests on every run and
// their modules would import @oclif/core from node_modules: a second, unbundled oclif, `help` 1.6x `--help`.
// So they are build-time dependencies, like the packages bundled into them.
const autocomplete = 'node_modules/@oclif/plugin-autocomplete/lib/commands/autocomplete';
const pluginBundles = {
  'dist/commands/help.js': 'node_modules/@oclif/plugin-help/lib/commands/help.js',
  'dist/commands/autocomplete/index.js': `${autocomplete}/index.js`,
  'dist/commands/autocomplete/create.js': `${autocomplete}/create.js`,
  'dist/commands/autocomplete/script.js': `${autocomplete}/script.js`,
  'dist/hooks/command-not-found.js': 'dist/hooks/command-not-found.js', // src/hooks: plugin-not-found's hook
};
for (const [outfile, entry] of Object.entries(pluginBundles)) {
  await build({
    entryPoints: [entry],
    outfile,
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'eof',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    plugins: [importOclifFromItsBundle(outfile)],
    logLevel: 'warning',
  });
  rmSync(`${outfile}.map`, { force: true }); // tsc's, of a file just replaced
}

// The oclif tool's own "update available" notice would only be noise in every install.
process.env.OCLIF_SKIP_NEW_VERSION_CHECK = 'true';
run(process.execPath, ['node_modules/oclif/bin/run.js', 'manifest']);

/** An esbuild plugin: `@oclif/core`, and src/oclif.ts compiled, stay imports of dist/oclif.js, relative to `outfile`. */
function importOclifFromItsBundle(outfile) {
  const bundle = path.resolve('dist/oclif.js');
  const relative = path.relative(path.dirname(outfile), bundle);
  const fromOutfile = relative.startsWith('.') ? relative : `./${relative}`;
  return {
    name: 'import-oclif-from-its-bundle',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^@oclif\/core$/ }, () => ({ path: fromOutfile, external: true }));
      esbuild.onResolve({ filter: /\/oclif\.js$/ }, (args) =>
        path.resolve(args.resolveDir, args.path) === bundle
          ? { path: fromOutfile, external: true }
          : undefined,
      );
    },
  };
}
