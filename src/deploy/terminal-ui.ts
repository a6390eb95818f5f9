import { createProgress, type ProgressMode, progressMode } from '../ui/progress.js';
import { askChoice, askConfirm, askText } from '../ui/prompts.js';
import { style } from '../ui/style.js';
import type { DeployUi } from './interaction.js';

/** The DeployUi of a real command run: progress per the renderer policy, prompts, Ctrl-C from SIGINT. */
export function terminalUi(options: {
  json: boolean;
  verbose: boolean;
  yes: boolean;
  interactive: boolean;
}): DeployUi & {
  mode: ProgressMode;
} {
  const mode = progressMode(options);
  const progress = createProgress(mode);
  return {
    mode,
    interactive: options.interactive,
    yes: options.yes,
    info: (line) => progress.line(line),
    // Warnings (e.g. `auth: none`, a destructive change) reach stderr even under --json, where progress is
    // silent: a CI log must not lose them, and stdout still holds only the result.
    warn: (line) =>
      mode === 'silent'
        ? process.stderr.write(`Warning: ${line}\n`)
        : progress.line(`${style.yellow('⚠')} ${line}`),
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
