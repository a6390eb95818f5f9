import type { Interaction } from './interaction.js';
import { createProgress } from './progress.js';
import { askChoice, askConfirm, askText } from './prompts.js';
import { style } from './style.js';
import { type RendererMode, rendererMode } from './terminal.js';

/** The Interaction of a real command run: progress per the terminal policy, prompts, Ctrl-C from SIGINT. */
export function commandUi(options: {
  json: boolean;
  verbose: boolean;
  yes: boolean;
  interactive: boolean;
}): Interaction & { mode: RendererMode } {
  const mode = rendererMode(options);
  const progress = createProgress(mode);
  return {
    mode,
    interactive: options.interactive,
    yes: options.yes,
    columns: process.stderr.isTTY
      ? process.stderr.columns
      : process.stdout.isTTY
        ? process.stdout.columns
        : undefined,
    info: (line) => progress.line(line),
    // Warnings (e.g. `auth: none`, a destructive change) reach stderr even under --json, where progress is
    // silent: a CI log must not lose them, and stdout still holds only the result.
    warn: (line) =>
      mode === 'silent'
        ? process.stderr.write(`Warning: ${line}\n`)
        : progress.line(`${style.yellow('⚠')} ${line}`),
    result: (line) => {
      if (!options.json) process.stdout.write(`${line}\n`);
    },
    step: (title, run) => progress.step(title, run),
    confirm: (message) => askConfirm({ message, default: false }),
    askText: (message) => askText({ message }),
    choose: (message, choices) => askChoice({ message, choices }),
    onInterrupt(listener) {
      process.on('SIGINT', listener);
      return () => process.off('SIGINT', listener);
    },
  };
}
