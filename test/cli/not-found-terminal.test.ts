import { afterEach, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers/cli.js';
import { Terminal } from '../helpers/tmux.js';

// oclif's plugin-not-found in a real terminal (tmux): it offers the closest command and runs it on yes.

describe('an unknown command in a terminal (tmux)', () => {
  let terminal: Terminal | undefined;
  afterEach(() => terminal?.close());

  it('asks "Did you mean token?" and, on Enter, runs token with the same flags', async () => {
    terminal = new Terminal(`node ${BIN} tokn --dev`, { cwd: await tempDir() });
    await terminal.waitFor(/Did you mean token\?/);
    expect(terminal.screen()).toContain('tokn is not a serverless-infra command.');
    terminal.press('Enter');
    expect(await terminal.exitCode()).toBe(0);
    expect(terminal.screen()).toMatch(/eyJ[\w-]+\.[\w-]+/); // the dev token (a JWT) that `token --dev` prints
  });

  it('runs nothing and exits 127 when the answer is no', async () => {
    terminal = new Terminal(`node ${BIN} deploi --yes`, { cwd: await tempDir() });
    await terminal.waitFor(/Did you mean deploy\?/);
    terminal.type('n');
    terminal.press('Enter');
    expect(await terminal.exitCode()).toBe(127);
    expect(terminal.screen()).toContain('Run serverless-infra help for a list of available commands.');
  });

  it('does not ask in CI, even on a terminal: it names the command and exits 127', async () => {
    terminal = new Terminal(`node ${BIN} deploi`, { cwd: await tempDir(), env: { CI: 'true' } });
    expect(await terminal.exitCode()).toBe(127);
    const screen = terminal.screen();
    expect(screen).toContain('Did you mean deploy?');
    expect(screen).not.toContain('(Y/n)');
  });
});
