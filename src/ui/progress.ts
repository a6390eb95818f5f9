import type { StepReport } from './interaction.js';
import { style } from './style.js';
import type { RendererMode } from './terminal.js';

/**
 * Progress of the steps of a command, in the mode the terminal policy chose (ui/terminal.ts): a listr2
 * task per step on a terminal, one timestamped line per event otherwise, nothing under --json. Everything
 * goes to stderr so stdout stays clean for results.
 */
export type ProgressMode = RendererMode;

export interface Progress {
  readonly mode: ProgressMode;
  step<T>(title: string, run: (report: StepReport) => Promise<T>): Promise<T>;
  line(text: string): void;
}

function timestamp(): string {
  return new Date().toISOString().slice(11, 19);
}

export function createProgress(
  mode: ProgressMode,
  write: (text: string) => void = (t) => process.stderr.write(`${t}\n`),
): Progress {
  if (mode === 'silent') {
    return {
      mode,
      step: (_title, run) =>
        run({ event: () => undefined, rows: () => undefined, interrupted: () => undefined }),
      line: () => undefined,
    };
  }
  if (mode === 'plain') {
    return {
      mode,
      line: (text) => write(text),
      async step(title, run) {
        const started = Date.now();
        let interrupted: string | undefined;
        write(`${timestamp()} ${title}…`);
        try {
          const value = await run({
            event: (line) => write(`${timestamp()}   ${line}`),
            rows: () => undefined,
            interrupted: (why) => {
              interrupted = why;
            },
          });
          const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
          write(
            interrupted === undefined
              ? `${timestamp()} ${style.green('✔')} ${title} (${took})`
              : `${timestamp()} ${style.yellow('■')} ${title}: ${interrupted} (${took})`,
          );
          return value;
        } catch (error) {
          write(`${timestamp()} ${style.red('✖')} ${title}`);
          throw error;
        }
      },
    };
  }
  return {
    mode,
    line: (text) => write(text),
    step: (title, run) => liveStep(title, run),
  };
}

/** One listr2 task with the default renderer on stderr; the rows show under the title while it runs. */
async function liveStep<T>(title: string, run: (report: StepReport) => Promise<T>): Promise<T> {
  const { Listr, ListrLogger, ProcessOutput, PRESET_TIMER } = await import('listr2');
  let value: T | undefined;
  const output = new ProcessOutput(process.stderr, process.stderr);
  const list = new Listr(
    [
      {
        title,
        task: async (_ctx, task) => {
          let interrupted: string | undefined;
          value = await run({
            event: () => undefined,
            rows: (text) => {
              task.output = text;
            },
            interrupted: (why) => {
              interrupted = why;
            },
          });
          // Not done: shown as stopped (↓ and why), never with the ✔ of a finished step.
          if (interrupted !== undefined) task.skip(`${title}: ${interrupted}`);
        },
        // Only the latest picture: the buffer keeps `outputBar` writes (not lines), and each write is a whole picture.
        rendererOptions: { outputBar: true, persistentOutput: false },
      },
    ],
    {
      exitOnError: true,
      registerSignalListeners: false,
      rendererOptions: { timer: PRESET_TIMER, logger: new ListrLogger({ processOutput: output }) },
    },
  );
  await list.run();
  return value as T;
}
