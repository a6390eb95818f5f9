// The compile cache for aws-cdk-lib (src/compile-cache.ts) changes how fast a synth starts, never what it
// writes: cold, warm, damaged, unwritable or off, the template is the same, and a damaged file is replaced.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PRODUCTION, tempDir } from './synth-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, 'fixtures', 'synth-with-cache.ts');
const tsx = import.meta.resolve('tsx');
const ENVIRONMENT = { ...PRODUCTION, handler: 'handlers/hello.ts' }; // relative to the fixtures
const TEMPLATE = `${PRODUCTION.stackName}.template.json`;
// Node >= 22.1 caches compiled code itself; the hooks (and their statistics) are for older versions.
const hooked = !('enableCompileCache' in (await import('node:module')).default);

interface Run {
  template: string;
  location: string | null;
  stats: { hits: number; misses: number } | null;
}

function synth(cacheHome: string, env: Record<string, string> = {}): Run {
  const outdir = tempDir('cache-out');
  const run = spawnSync(process.execPath, ['--import', tsx, child, outdir, JSON.stringify(ENVIRONMENT)], {
    env: { ...process.env, XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: '', ...env },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  const { location, stats } = JSON.parse(run.stdout) as Omit<Run, 'template'>;
  return { template: readFileSync(path.join(outdir, TEMPLATE), 'utf8'), location, stats };
}

/** Runs until the cache file exists and a run uses it, as a user's second synth does. */
function warmCache(): { home: string; file: string; template: string } {
  const home = tempDir('cache-home');
  const cold = synth(home);
  if (hooked) {
    expect(cold.stats).toEqual({ hits: 0, misses: expect.any(Number) });
    expect(cold.stats?.misses).toBeGreaterThan(100);
    expect(statSync(cold.location as string).size).toBeGreaterThan(0);
  }
  return { home, file: cold.location as string, template: cold.template };
}

describe('compile cache', () => {
  const reference = synth(tempDir('cache-off'), { NODE_DISABLE_COMPILE_CACHE: '1' });

  it('off: no cache, and the template every other case must match', () => {
    expect(reference.location).toBeNull();
    expect(reference.template).toContain('"cf-serverless-prod1234"');
  });

  it('a warm cache serves every aws-cdk-lib file and gives the same template as a cold one', () => {
    const { home, file, template } = warmCache();
    expect(template).toBe(reference.template);
    const before = readFileSync(file);
    const warm = synth(home);
    expect(warm.template).toBe(reference.template);
    if (hooked) {
      expect(warm.stats).toEqual({ hits: expect.any(Number), misses: 0 });
      expect(warm.stats?.hits).toBeGreaterThan(100);
      expect(readFileSync(file).equals(before)).toBe(true); // nothing new: not rewritten
    }
  });

  it.runIf(hooked)('damaged code is not run: the template is the same and the file is replaced', () => {
    const { home, file } = warmCache();
    // Flip a byte in the middle of each file's code, past V8's own header (which V8 checks): V8 would run it.
    const bytes = readFileSync(file);
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as {
      entries: Record<string, { offset: number; bytes: number }>;
    };
    for (const { offset, bytes: length } of Object.values(header.entries)) {
      const i = 4 + headerLength + offset + Math.max(64, Math.floor(length / 2));
      bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    }
    writeFileSync(file, bytes);

    const damaged = synth(home);
    expect(damaged.template).toBe(reference.template);
    expect(damaged.stats?.hits).toBe(0);
    const repaired = synth(home);
    expect(repaired.template).toBe(reference.template);
    expect(repaired.stats?.misses).toBe(0);
  });

  it.runIf(hooked)('a truncated or foreign cache file is ignored and replaced', () => {
    const { home, file } = warmCache();
    for (const content of [readFileSync(file).subarray(0, 5000), Buffer.from('not a cache file')]) {
      writeFileSync(file, content);
      const run = synth(home);
      expect(run.template).toBe(reference.template);
      expect(run.stats?.hits).toBe(0);
      expect(statSync(file).size).toBeGreaterThan(content.length);
    }
  });

  it('an unwritable cache directory does not fail the synth or leave anything behind', () => {
    const home = tempDir('cache-home');
    writeFileSync(path.join(home, 'serverless-infra'), 'a file where the cache directory would go');
    const run = synth(home);
    expect(run.template).toBe(reference.template);
    expect(readdirSync(home)).toEqual(['serverless-infra']);
  });
});
