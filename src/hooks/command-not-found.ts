import pluginNotFound from '@oclif/plugin-not-found';
import levenshtein from 'fast-levenshtein';
import { type Hook, toConfiguredId } from '../oclif.js';
import { canPrompt } from '../ui/terminal.js';

/** Exit code of an unknown command, as oclif's plugin-not-found and shells use it. */
const COMMAND_NOT_FOUND = 127;

/**
 * An unknown command (`deploi`). On a terminal, oclif's plugin-not-found asks "Did you mean deploy?" and runs
 * it on yes. Where this CLI never prompts (ui/terminal.ts: CI, a pipe, --json) the plugin would still ask
 * whenever stdin is a terminal, and without one it fails naming no command: here the closest command is
 * named in the error instead, with the plugin's exit code.
 */
const hook: Hook.CommandNotFound = async function (opts) {
  if (canPrompt({ json: opts.argv?.includes('--json') })) return pluginNotFound.call(this, opts);

  const { config } = opts;
  const hidden = new Set(config.commands.filter((c) => c.hidden).map((c) => c.id));
  // `hlep deploy` arrives as the id hlep:deploy: each command is compared with as many words as it has.
  const words = opts.id.split(':');
  const distance = (id: string) =>
    levenshtein.get(words.slice(0, id.split(':').length).join(':'), id, { useCollator: true });
  const closest = config.commandIDs
    .filter((id) => !hidden.has(id))
    .map((id) => ({ id, distance: distance(id) }))
    .sort((a, b) => a.distance - b.distance)[0];
  const typed = toConfiguredId(opts.id, config);
  this.warn(`${typed} is not a ${config.bin} command.`);
  this.error(
    `${closest ? `Did you mean ${toConfiguredId(closest.id, config)}? ` : ''}Run ${config.bin} help for a list of available commands.`,
    { exit: COMMAND_NOT_FOUND },
  );
};

export default hook;
