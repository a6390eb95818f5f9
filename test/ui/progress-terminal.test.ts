import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';
import { Terminal } from '../helpers/tmux.js';

describe('live progress in a real terminal (tmux)', () => {
  let terminal: Terminal | undefined;
  afterEach(() => terminal?.close());

  it('redraws the picture in place: only the latest rows are on the screen', async () => {
    const dir = await tempDir();
    const next = (frame: number) => writeFile(path.join(dir, `next-${frame}`), '');
    terminal = new Terminal(`node ${path.join(ROOT, 'test/ui/fixtures/live-progress.mjs')} ${dir}`, {
      cwd: dir,
      env: { NO_COLOR: '' },
    });
    // Each frame is drawn only when the test says so, after the previous one is on the screen.
    for (let frame = 1; frame <= 4; frame++) {
      await next(frame);
      await terminal.waitFor(new RegExp(`${frame}/6 resources`));
    }
    const screen = terminal.screen();
    expect(screen).not.toMatch(/[123]\/6 resources/);
    expect(screen.match(/CREATE_IN_PROGRESS/g)).toHaveLength(1);
    await next(5);
    await next(6);
    expect(await terminal.exitCode()).toBe(0);
    expect(terminal.screen()).toMatch(/✔ Deploying/);
  });
});
