// The package build: TypeScript -> dist/, the Lambda runtime bundle (esbuild, once here and never at
// synth time), oclif bundled into dist/oclif.cjs and its plugins against it, then oclif.manifest.json so that
// --help never loads a command module.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as lexer from 'es-module-lexer';
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

// oclif, bundled (src/oclif.ts with @oclif/core and its dependencies) into dist/oclif.cjs: CommonJS, because
// Node.js 20 can reuse V8's compiled code only for a script (src/compile-cache.ts), and compiling the bundle
// was a third of `--help`'s time over bare Node. typescript stays outside: oclif loads it on demand, only to read
// a tsconfig in development.
await build({
  entryPoints: ['src/oclif.ts'],
  outfile: 'dist/oclif.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['typescript'],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'eof', // the bundled packages' license notices
  banner: { js: 'const __dynamicImport = require("./dynamic-import.cjs");' },
  logLevel: 'warning',
});
// V8's cached code for a script has no dynamic import() on Node.js 20 (with cachedData, vm.Script drops its
// importModuleDynamically: "A dynamic import callback was not specified"). So the bundle's import() calls (oclif
// loading the commands, hooks and help class) become calls of a function of a small module Node compiles itself.
writeFileSync('dist/dynamic-import.cjs', 'module.exports = (specifier) => import(specifier);\n');
await lexer.init;
const bundled = readFileSync('dist/oclif.cjs', 'utf8');
if (bundled.split('__dynamicImport').length !== 2)
  throw new Error('dist/oclif.cjs: __dynamicImport is taken');
let rewritten = '';
let from = 0;
for (const { d, ss } of lexer.parse(bundled)[0]) {
  if (d < 0) throw new Error(`dist/oclif.cjs: an import declaration or import.meta at ${ss}, not CommonJS`);
  rewritten += `${bundled.slice(from, ss)}__dynamicImport`; // `import(x)` -> `__dynamicImport(x)`
  from = d;
}
rewritten += bundled.slice(from);
writeFileSync('dist/oclif.cjs', rewritten);

// dist/oclif.js, which bin/run.js, the commands and oclif's plugins import, replaces tsc's compile of
// src/oclif.ts: it loads the bundle through the code cache and re-exports what src/oclif.ts exports.
const exported = Object.keys(createRequire(import.meta.url)('../dist/oclif.cjs')).sort();
writeFileSync(
  'dist/oclif.js',
  `// Written by scripts/build.mjs: src/oclif.ts, bundled with oclif into oclif.cjs, loaded with its code cache.
import { fileURLToPath } from 'node:url';
import { requireWithCodeCache } from './compile-cache.js';

const oclif = requireWithCodeCache(
  fileURLToPath(new URL('./oclif.cjs', import.meta.url)),
  '${createHash('sha1').update(rewritten).digest('hex')}',
);
export const { ${exported.join(', ')} } = oclif;
`,
);
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
// The first run of a new bundle writes its code cache (src/compile-cache.ts), with the functions that run compiled:
// made `--help`'s, not the manifest's.
execFileSync(process.execPath, ['node_modules/oclif/bin/run.js', 'manifest'], {
  stdio: 'inherit',
  env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' },
});
execFileSync(process.execPath, ['bin/run.js', '--help'], { stdio: 'ignore' });

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
