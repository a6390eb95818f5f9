/**
 * The CLI's one door to oclif. The package build bundles this module, with @oclif/core and its dependencies,
 * into dist/oclif.js (scripts/build.mjs): one file to load instead of ~160 CommonJS modules, which is most of
 * the start-up time of `--help` and of every command. bin/run.js, every command, and oclif's own plugins
 * (help, not-found, autocomplete: the build bundles them against this same copy) use it.
 */
import { Help, type Interfaces } from '@oclif/core';

export type { Hook, Interfaces } from '@oclif/core';
// loadHelpClass, toConfiguredId and ux: what oclif's plugins (help, not-found, autocomplete) import too;
// settings: bin/run.js.
export { Args, Command, execute, Flags, loadHelpClass, settings, toConfiguredId, ux } from '@oclif/core';

/**
 * The help of `--help` and of the `help` command alike (package.json "oclif.helpClass" names it, here in the
 * bundle that is already loaded). plugin-help's command builds the help without the CLI's "helpOptions", so
 * `help deploy` would sort the flags that `deploy --help` shows in the order the command defines them.
 */
export class CliHelp extends Help {
  constructor(config: Interfaces.Config, options: Partial<Interfaces.HelpOptions> = {}) {
    super(config, { ...config.pjson.oclif.helpOptions, ...options });
  }
}
