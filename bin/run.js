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
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
