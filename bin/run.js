#!/usr/bin/env node
// `--version` is answered without loading oclif (half the start-up time); its output is oclif's own format.
const [first, ...rest] = process.argv.slice(2);
if ((first === '--version' || first === '-v') && rest.length === 0) {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(
    `${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`,
  );
} else {
  // The SDK warns on every run that its releases after January 2027 need Node.js 22; the lockfile pins
  // versions that support Node.js 20, so the warning only adds noise to every command's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { execute, settings } = await import('../dist/oclif.js');
  // Compiled code only: with NODE_ENV=development or test in the user's shell, oclif would otherwise look for
  // TypeScript to run sources with, and warn on every command of an installed CLI that it found none.
  settings.enableAutoTranspile = false;
  await execute({ dir: import.meta.url });
}
