// The same project file synthesizes byte-identical templates twice: no randomness, stable logical ids,
// bucket names and asset hashes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthesize } from '../../src/synth/index.js';
import { FIXTURES, PRODUCTION, tempDir } from './synth-fixtures.js';

describe('determinism', () => {
  it('two synths of one environment write byte-identical templates and asset manifests', async () => {
    const env = { ...PRODUCTION, handler: 'handlers/hello.ts' };
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const outdir = tempDir('determinism');
      const result = await synthesize(env, { outdir, projectDir: FIXTURES });
      runs.push({
        template: readFileSync(path.join(outdir, result.stack.templateFile)),
        assets: readFileSync(path.join(outdir, `${result.stack.id}.assets.json`)),
      });
    }
    expect(runs[0]!.template.equals(runs[1]!.template)).toBe(true);
    expect(runs[0]!.assets.equals(runs[1]!.assets)).toBe(true);
    const text = runs[0]!.template.toString('utf8');
    expect(text).toContain('"cf-serverless-prod1234"');
    expect(text).toContain('"cf-serverless-logs-prod1234"');
  });
});
