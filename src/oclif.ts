/**
 * The CLI's one door to oclif. The package build bundles this module, with @oclif/core and its dependencies,
 * into dist/oclif.cjs, which dist/oclif.js loads with its code cache (scripts/build.mjs): one file to load
 * instead of ~160 CommonJS modules, which is most of the start-up time of `--help` and of every command.
 * bin/run.js, every command, and oclif's own plugins (help, not-found, autocomplete: the build bundles them
 * against this same copy) use it.
 */
import { CommandHelp, Help, type Interfaces } from '@oclif/core';

export type { Hook, Interfaces } from '@oclif/core';
// loadHelpClass, toConfiguredId and ux: what oclif's plugins (help, not-found, autocomplete) import too;
// settings: bin/run.js.
export { Args, Command, execute, Flags, loadHelpClass, settings, toConfiguredId, ux } from '@oclif/core';

/**
 * oclif renders every text of the help (summaries, descriptions, each flag's) as an EJS template, compiling a
 * function for each: 7 ms of `init --help`. Only a text with an EJS tag (`<%= config.bin %>` in examples) needs
 * it; every EJS tag has `<%` or `%>`, and EJS gives a text without either back unchanged.
 */
function renderTemplatesOnly(formatter: { render: (input: string) => string }): void {
  const render = formatter.render;
  formatter.render = (input) => (input.includes('<%') || input.includes('%>') ? render(input) : input);
}

class CliCommandHelp extends CommandHelp {
  constructor(...args: ConstructorParameters<typeof CommandHelp>) {
    super(...args);
    renderTemplatesOnly(this);
  }
}

/**
 * The help of `--help` and of the `help` command alike (package.json "oclif.helpClass" names it, here in the
 * bundle that is already loaded). plugin-help's command builds the help without the CLI's "helpOptions", so
 * `help deploy` would sort the flags that `deploy --help` shows in the order the command defines them.
 */
export class CliHelp extends Help {
  protected override CommandHelpClass = CliCommandHelp;

  constructor(config: Interfaces.Config, options: Partial<Interfaces.HelpOptions> = {}) {
    super(config, { ...config.pjson.oclif.helpOptions, ...options });
    renderTemplatesOnly(this);
  }
}
