import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from '../../src/ui/progress.js';
import { rendererMode } from '../../src/ui/terminal.js';

afterEach(() => vi.unstubAllEnvs());

describe('renderer policy', () => {
  it('is silent under --json, plain in CI, with --verbose or without a terminal; NO_COLOR keeps the layout', () => {
    vi.stubEnv('CI', '');
    vi.stubEnv('NO_COLOR', '');
    expect(rendererMode({ json: true, verbose: true })).toBe('silent');
    expect(rendererMode({ verbose: true })).toBe('plain');
    vi.stubEnv('CI', 'true');
    expect(rendererMode({})).toBe('plain');
    vi.stubEnv('CI', '');
    const tty = process.stderr.isTTY;
    try {
      process.stderr.isTTY = true;
      expect(rendererMode({})).toBe('live');
      vi.stubEnv('NO_COLOR', '1');
      expect(rendererMode({})).toBe('live');
      process.stderr.isTTY = false;
      expect(rendererMode({})).toBe('plain');
    } finally {
      process.stderr.isTTY = tty;
    }
  });

  it('plain mode writes one timestamped line per event and the step outcome', async () => {
    vi.stubEnv('NO_COLOR', '1');
    const lines: string[] = [];
    const progress = createProgress('plain', (t) => lines.push(t));
    const value = await progress.step('Updating', async (report) => {
      report.event('UPDATE_IN_PROGRESS  Fn');
      report.rows('1/2 resources');
      return 42;
    });
    expect(value).toBe(42);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d /);
    expect(lines[1]).toMatch(/UPDATE_IN_PROGRESS {2}Fn/);
    expect(lines[2]).toMatch(/✔ Updating/);
  });

  it('silent mode writes nothing', async () => {
    const lines: string[] = [];
    const progress = createProgress('silent', (t) => lines.push(t));
    await progress.step('x', async (r) => r.event('y'));
    progress.line('z');
    expect(lines).toEqual([]);
  });
});
