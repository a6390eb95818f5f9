import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';
import { Terminal } from '../helpers/tmux.js';

describe('live progress in a real terminal (tmux)', () => {
  let terminal: Terminal | undefined;
  afterEach(() => terminal?.close());

  it('redraws the picture in place: only the latest rows are on the screen', async () => {
    terminal = new Terminal(`node ${path.join(ROOT, 'test/ui/fixtures/live-progress.mjs')}`, {
      cwd: await tempDir(),
      env: { NO_COLOR: '' },
    });
    const screen = await terminal.waitFor(/4\/6 resources/);
    expect(screen).not.toMatch(/[123]\/6 resources/);
    expect(screen.match(/CREATE_IN_PROGRESS/g)).toHaveLength(1);
    expect(await terminal.exitCode()).toBe(0);
    expect(terminal.screen()).toMatch(/✔ Deploying/);
  });
});
