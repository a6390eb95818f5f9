// The code cache of the CLI's oclif bundle (dist/oclif.cjs, loaded by src/compile-cache.ts's requireWithCodeCache)
// changes how fast the binary starts, never what it does: cold, warm, damaged, truncated, unwritable or off, every
// command answers the same. A warm cache must also keep oclif's dynamic import() of the command modules working
// (on Node.js 20, V8's cached code loses vm.Script's import callback).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, tempDir } from '../helpers/cli.js';

// Each loads oclif's module of a command (ours, plugin-help's) or of the not-found hook with import().
const COMMANDS = [['--help'], ['openapi'], ['help', 'deploy'], ['deploi']];
// Node >= 22.1 caches compiled code itself (no file of ours to look at); these tests are about Node 20's.
const hooked = !('enableCompileCache' in (await import('node:module')).default);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cacheHome: string, env: Record<string, string> = {}): Run {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: cacheHome,
    env: cleanEnv({ XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: '', ...env }),
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The bundle's cache files under a cache home. */
function cacheFiles(cacheHome: string): string[] {
  const root = path.join(cacheHome, 'serverless-infra');
  const versions = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory());
  return versions.flatMap((d) =>
    readdirSync(path.join(root, d.name))
      .filter((f) => /^oclif\.cjs-[0-9a-f]{8}\.bin$/.test(f))
      .map((f) => path.join(root, d.name, f)),
  );
}

/** A cache home after one run: its one cache file. */
async function warmCache(): Promise<{ home: string; file: string }> {
  const home = await tempDir('bundle-cache-');
  expect(cli(['--help'], home).status).toBe(0);
  const files = cacheFiles(home);
  expect(files).toHaveLength(1);
  return { home, file: files[0] as string };
}

describe('code cache of the oclif bundle', async () => {
  const off = await tempDir('bundle-cache-off-');
  const reference = COMMANDS.map((args) => cli(args, off, { NODE_DISABLE_COMPILE_CACHE: '1' }));

  it('off: nothing is written, and every command answers (the reference for the others)', () => {
    expect(readdirSync(off)).toEqual([]);
    expect(reference.map((r) => r.status)).toEqual([0, 0, 0, 127]);
    expect(reference[1]?.stdout).toContain('"openapi": "3.1');
    expect(reference[3]?.stderr).toContain('Did you mean deploy?');
  });

  it.runIf(hooked)(
    'cold then warm: the first run writes the cache, later runs use it as it is and answer the same',
    async () => {
      const { home, file } = await warmCache();
      const written = readFileSync(file);
      expect(written.length).toBeGreaterThan(100_000); // V8's code for the bundle, not an empty shell
      const { mtimeMs } = statSync(file);
      for (const [i, args] of COMMANDS.entries()) {
        expect(cli(args, home), args.join(' ')).toEqual(reference[i]);
      }
      // A run without a usable entry always rewrites the file: unchanged means every run above used it.
      expect(statSync(file).mtimeMs).toBe(mtimeMs);
      expect(readFileSync(file).equals(written)).toBe(true);
    },
  );

  it.runIf(hooked)(
    'damaged code is not run: the commands answer the same and the file is replaced',
    async () => {
      const { home, file } = await warmCache();
      const bytes = readFileSync(file);
      const headerLength = bytes.readUInt32LE(0);
      const i = 4 + headerLength + Math.floor((bytes.length - 4 - headerLength) / 2); // inside V8's code
      bytes[i] = (bytes[i] ?? 0) ^ 0xff;
      writeFileSync(file, bytes);

      expect(cli(['openapi'], home)).toEqual(reference[1]);
      const repaired = readFileSync(file);
      expect(repaired.equals(bytes)).toBe(false);
      expect(cli(['--help'], home)).toEqual(reference[0]);
      expect(readFileSync(file).equals(repaired)).toBe(true); // the repaired file is used as it is
    },
  );

  it.runIf(hooked)('a truncated or foreign cache file is ignored and replaced', async () => {
    const { home, file } = await warmCache();
    for (const content of [readFileSync(file).subarray(0, 5000), Buffer.from('not a cache file')]) {
      writeFileSync(file, content);
      expect(cli(['--help'], home)).toEqual(reference[0]);
      expect(statSync(file).size).toBeGreaterThan(100_000);
    }
  });

  it('an unwritable cache directory does not fail a command or leave anything behind', async () => {
    const home = await tempDir('bundle-cache-');
    writeFileSync(path.join(home, 'serverless-infra'), 'a file where the cache directory would go');
    expect(cli(['--help'], home)).toEqual(reference[0]);
    expect(cli(['openapi'], home)).toEqual(reference[1]);
    expect(readdirSync(home)).toEqual(['serverless-infra']);
  });
});
