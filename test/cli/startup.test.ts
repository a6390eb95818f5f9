import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, ROOT, tempDir } from '../helpers/cli.js';

/** The modules a run of the built binary resolves. */
async function modulesLoadedBy(args: string[]): Promise<{ modules: string[]; stdout: string }> {
  const cwd = await tempDir();
  const file = path.join(cwd, 'imports.txt');
  const run = spawnSync(
    process.execPath,
    ['--import', path.join(ROOT, 'test/helpers/record-imports.mjs'), BIN, ...args],
    { cwd, env: cleanEnv({ RECORD_IMPORTS_FILE: file }), encoding: 'utf8' },
  );
  expect(run.status, run.stderr).toBe(0);
  const modules = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  return { modules, stdout: run.stdout };
}

describe('start-up', () => {
  it.each([['--help'], ['--version'], ['init', '--help']])(
    '`%s` loads neither aws-cdk-lib nor an AWS SDK client',
    async (...args) => {
      const { modules } = await modulesLoadedBy(args);
      expect(modules.some((m) => m.endsWith('/bin/run.js'))).toBe(true); // the recorder works
      expect(modules.filter((m) => /aws-cdk-lib|@aws-sdk|@aws-cdk\//.test(m))).toEqual([]);
    },
  );

  it.each([
    ['--help'],
    ['init', '--email', 'ops@example.com', '--region', 'eu-west-1', '--environment', 'Staging'],
  ])('`%s` loads oclif once, from its bundle (dist/oclif.js), never from node_modules', async (...args) => {
    const { modules } = await modulesLoadedBy(args);
    expect(modules.filter((m) => m.endsWith('/dist/oclif.js'))).not.toEqual([]);
    expect(modules.filter((m) => m.includes('/node_modules/@oclif/'))).toEqual([]);
  });

  it('--version prints name, version, platform and Node.js version', async () => {
    const { stdout } = await modulesLoadedBy(['--version']);
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(stdout).toBe(
      `serverless-infra/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`,
    );
  });

  it('lists the commands in --help, each with a summary', async () => {
    const { stdout } = await modulesLoadedBy(['--help']);
    const manifest = JSON.parse(await readFile(path.join(ROOT, 'oclif.manifest.json'), 'utf8'));
    for (const [id, command] of Object.entries<{ summary?: string; examples?: string[] }>(
      manifest.commands,
    )) {
      expect(stdout).toContain(id);
      expect(command.summary, `${id} has a summary`).toBeTruthy();
      expect(command.examples?.length, `${id} has examples`).toBeGreaterThan(0);
    }
  });
});
