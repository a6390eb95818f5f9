import { style } from './style.js';
import type { RendererMode } from './terminal.js';

/**
 * Progress of the steps of a command, in the mode the terminal policy chose (ui/terminal.ts): a listr2
 * task per step on a terminal, one timestamped line per event otherwise, nothing under --json. Everything
 * goes to stderr so stdout stays clean for results.
 */
export type ProgressMode = RendererMode;

export interface StepReporter {
  /** One event: a line of its own in plain mode. */
  event(line: string): void;
  /** The current picture (resource rows): shown under the task in live mode. */
  rows(text: string): void;
}

export interface Progress {
  readonly mode: ProgressMode;
  step<T>(title: string, run: (report: StepReporter) => Promise<T>): Promise<T>;
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
      step: (_title, run) => run({ event: () => undefined, rows: () => undefined }),
      line: () => undefined,
    };
  }
  if (mode === 'plain') {
    return {
      mode,
      line: (text) => write(text),
      async step(title, run) {
        const started = Date.now();
        write(`${timestamp()} ${title}…`);
        try {
          const value = await run({
            event: (line) => write(`${timestamp()}   ${line}`),
            rows: () => undefined,
          });
          write(
            `${timestamp()} ${style.green('✔')} ${title} (${((Date.now() - started) / 1000).toFixed(1)}s)`,
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
async function liveStep<T>(title: string, run: (report: StepReporter) => Promise<T>): Promise<T> {
  const { Listr, ListrLogger, ProcessOutput, PRESET_TIMER } = await import('listr2');
  let value: T | undefined;
  const output = new ProcessOutput(process.stderr, process.stderr);
  const list = new Listr(
    [
      {
        title,
        task: async (_ctx, task) => {
          value = await run({
            event: () => undefined,
            rows: (text) => {
              task.output = text;
            },
          });
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
