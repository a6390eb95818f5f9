import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, ROOT, tempDir } from '../helpers/cli.js';

/** The modules a run of the built binary resolves; it must exit with `status`. */
async function modulesLoadedBy(args: string[], status = 0): Promise<{ modules: string[]; stdout: string }> {
  const cwd = await tempDir();
  const file = path.join(cwd, 'imports.txt');
  const run = spawnSync(
    process.execPath,
    ['--import', path.join(ROOT, 'test/helpers/record-imports.mjs'), BIN, ...args],
    { cwd, env: cleanEnv({ RECORD_IMPORTS_FILE: file }), encoding: 'utf8' },
  );
  expect(run.status, run.stderr).toBe(status);
  const modules = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  return { modules, stdout: run.stdout };
}

describe('start-up', () => {
  it.each([['--help'], ['--version'], ['init', '--help'], ['openapi']])(
    '`%s` loads neither aws-cdk-lib nor an AWS SDK client',
    async (...args) => {
      const { modules } = await modulesLoadedBy(args);
      expect(modules.some((m) => m.endsWith('/bin/run.js'))).toBe(true); // the recorder works
      expect(modules.filter((m) => /aws-cdk-lib|@aws-sdk|@aws-cdk\//.test(m))).toEqual([]);
    },
  );

  // oclif's own plugins too (help, not-found, autocomplete): scripts/build.mjs bundles them against dist/oclif.js,
  // which loads the bundle, dist/oclif.cjs.
  it.each([
    [0, '--help'],
    [0, 'init', '--email', 'ops@example.com', '--region', 'eu-west-1', '--environment', 'Staging'],
    [0, 'help', 'deploy'],
    [127, 'deploi'],
    [0, 'autocomplete', 'script', 'bash'],
  ])(
    'exit %s: `%s` loads oclif once, from its bundle (dist/oclif.js), never from node_modules',
    async (status, ...args) => {
      const { modules } = await modulesLoadedBy(args as string[], status as number);
      expect(modules.filter((m) => m.endsWith('/dist/oclif.js'))).not.toEqual([]);
      expect(modules.filter((m) => m.endsWith('/dist/oclif.cjs'))).toHaveLength(1);
      expect(modules.filter((m) => m.includes('/node_modules/@oclif/'))).toEqual([]);
    },
  );

  it('--version prints name, version, platform and Node.js version', async () => {
    const { stdout } = await modulesLoadedBy(['--version']);
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(stdout).toBe(
      `serverless-infra/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`,
    );
  });

  it('lists the visible commands in --help, each of its own (src/commands) with a summary and examples', async () => {
    const { stdout } = await modulesLoadedBy(['--help']);
    const manifest = JSON.parse(await readFile(path.join(ROOT, 'oclif.manifest.json'), 'utf8'));
    const own = (await readdir(path.join(ROOT, 'src/commands'))).map((f) => f.replace(/\.ts$/, ''));
    for (const [id, command] of Object.entries<{ summary?: string; examples?: string[]; hidden?: boolean }>(
      manifest.commands,
    )) {
      if (!command.hidden) expect(stdout).toContain(`  ${id} `);
      if (!own.includes(id)) continue; // oclif's own: help, autocomplete
      expect(command.summary, `${id} has a summary`).toBeTruthy();
      expect(command.examples?.length, `${id} has examples`).toBeGreaterThan(0);
    }
    expect(own.length).toBeGreaterThan(10);
  });
});
