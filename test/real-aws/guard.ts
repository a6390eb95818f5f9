/**
 * The cleanup of last resort. Started (detached, in a process group of its own) before the run creates
 * anything, it holds a pipe from the suite. The suite writes `done` once its own cleanup has finished; if
 * the pipe closes without it — the suite died: Ctrl-C, SIGTERM, vitest killing its worker, SIGKILL — the
 * guard destroys what the run created and runs the leftover check itself, logging to the run's log file.
 * A terminal's Ctrl-C does not reach it (another process group), so it finishes the job.
 *
 *   node --import tsx test/real-aws/guard.ts <config.json>
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/cli.js';
import { cleanUp, type RunHandle, type RunTarget } from './cleanup.js';

const GUARD = fileURLToPath(import.meta.url);
export const DONE = 'done\n';

/** What the guard needs (everything of RunTarget but its functions) and where it logs. */
export interface GuardConfig {
  target: Omit<RunTarget, 'sleep' | 'log'>;
  run: RunHandle;
  logFile: string;
}

export interface Guard {
  child: ChildProcess;
  /** The suite's own cleanup finished: the guard exits without doing anything. */
  release(): Promise<void>;
  /** Resolves with the guard's exit code once it has exited (the test of the guard waits for it). */
  exited: Promise<number | null>;
}

export function startGuard(config: GuardConfig): Guard {
  // The CLI's variables (credentials among them) go to the guard as its environment, never into the file.
  const { env, ...target } = config.target;
  const file = path.join(config.run.dir, 'guard.json');
  writeFileSync(file, JSON.stringify({ ...config, target: { ...target, envKeys: Object.keys(env) } }), {
    mode: 0o600,
  });
  const log = openSync(config.logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', GUARD, file], {
    cwd: ROOT,
    detached: true,
    stdio: ['pipe', log, log],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Neither the process nor its pipe keeps the suite alive: the guard outlives it on purpose.
  child.unref();
  (child.stdin as unknown as { unref?: () => void })?.unref?.();
  return {
    child,
    exited,
    async release() {
      await new Promise<void>((resolve) => child.stdin?.end(DONE, () => resolve()));
      await exited;
    },
  };
}

async function main(file: string): Promise<void> {
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Omit<GuardConfig, 'target'> & {
    target: Omit<GuardConfig['target'], 'env'> & { envKeys: string[] };
  };
  const { envKeys, ...target } = stored.target;
  const env = Object.fromEntries(
    envKeys.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]]])),
  );
  const config: GuardConfig = { ...stored, target: { ...target, env } };
  const log = (line: string) =>
    appendFileSync(config.logFile, `${new Date().toISOString()} guard: ${line}\n`);
  let input = '';
  process.stdin.on('data', (chunk) => {
    input += chunk;
  });
  process.stdin.on('end', async () => {
    if (input === DONE) process.exit(0);
    log(
      `the suite is gone without cleaning up: destroying ${config.run.stackName} (run ${config.run.runId})`,
    );
    const report = await cleanUp(
      { ...config.target, log, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
      config.run,
    );
    log(`cleanup report: ${JSON.stringify(report)}`);
    process.exit(report.problems.length === 0 ? 0 : 1);
  });
  // A terminal's signals are not ours to obey: the cleanup must finish.
  for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => log(`${signal} ignored`));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === pathToFileURL(GUARD).href) {
  await main(process.argv[2] as string);
}
