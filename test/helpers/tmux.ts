import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The built binary in a real pseudo-terminal (tmux), driven as a person would: type, press keys, read
 * the screen. The command's exit code is printed on the screen as `EXIT=<n>` when it ends.
 */
export class Terminal {
  readonly session = `si-${randomBytes(4).toString('hex')}`;

  constructor(command: string, options: { cwd: string; env?: Record<string, string> }) {
    const env = Object.entries({ NO_COLOR: '1', ...options.env })
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    // CI must not be set inside the terminal, or the CLI rightly refuses to prompt.
    const script = `cd ${JSON.stringify(options.cwd)} && env -u CI ${env} ${command}; echo EXIT=$?; sleep 60`;
    this.tmux('new-session', '-d', '-s', this.session, '-x', '120', '-y', '40', script);
  }

  /**
   * Each terminal has a tmux server of its own (`-L`): terminals of test files running side by side never
   * share, and never race to start, one server.
   */
  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.session, ...args], { encoding: 'utf8' });
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.session);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', this.session, '-l', '--', text); // `--`: text may start with -
  }

  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...keys);
  }

  /** Waits until the screen matches, and returns it; fails with the screen's content after the timeout. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline)
        throw new Error(`Timed out waiting for ${pattern} on the screen:\n${screen}`);
      await sleep(100);
    }
  }

  async exitCode(timeoutMs = 15_000): Promise<number> {
    const screen = await this.waitFor(/EXIT=\d+/, timeoutMs);
    return Number(/EXIT=(\d+)/.exec(screen)![1]);
  }

  close(): void {
    try {
      execFileSync('tmux', ['-L', this.session, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
