import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { Terminal } from '../helpers/tmux.js';

// Shell completion from oclif's plugin-autocomplete (bundled by scripts/build.mjs), through the built binary.
// `autocomplete <shell>` writes the completion functions to the cache directory (XDG_CACHE_HOME here) and prints
// the set-up; `autocomplete script <shell>` prints the line a shell's rc file sources.

let cache: string;
let env: Record<string, string>;
const setupFile = (shell: string) => path.join(cache, 'serverless-infra', 'autocomplete', `${shell}_setup`);

beforeAll(async () => {
  cache = await tempDir('si-cache-');
  env = { XDG_CACHE_HOME: cache };
  for (const shell of ['bash', 'zsh']) {
    const result = await runCli(['autocomplete', shell], { cwd: cache, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `printf "$(serverless-infra autocomplete script ${shell})" >> ~/.${shell}rc`,
    );
  }
});

/** What bash completes after `serverless-infra <words>`, from the generated completion function. */
function bashCompletes(...words: string[]): string[] {
  const script = [
    'source "$1"; shift', // the set-up, as a shell's rc file sources it
    'COMP_WORDS=(serverless-infra "$@"); COMP_CWORD=$#',
    '_serverless-infra_autocomplete',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  return execFileSync('bash', ['--norc', '--noprofile', '-c', script, 'bash', setupFile('bash'), ...words], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
}

describe('autocomplete', () => {
  it.each(['bash', 'zsh'])(
    '`autocomplete script %s` prints the line that sources the set-up',
    async (shell) => {
      const result = await runCli(['autocomplete', 'script', shell], { cwd: cache, env });
      expect(result.code).toBe(0);
      const variable = `SERVERLESS_INFRA_AC_${shell.toUpperCase()}_SETUP_PATH`;
      expect(result.stdout.trim()).toBe(
        `${variable}=${setupFile(shell)} && test -f $${variable} && source $${variable}; # serverless-infra autocomplete setup`,
      );
    },
  );

  it('bash completes commands and their flags, and hides the hidden commands', async () => {
    expect(bashCompletes('dep')).toEqual(['deploy']);
    expect(bashCompletes('s')).toEqual(['shift', 'status', 'synth']);
    expect(bashCompletes('synth', '--va')).toEqual(['--validate']);
    expect(bashCompletes('deploy', '--e')).toEqual(['--environment']);
    const all = bashCompletes('');
    const manifest = JSON.parse(await readFile(path.join(ROOT, 'oclif.manifest.json'), 'utf8'));
    const visible = Object.entries<{ hidden?: boolean }>(manifest.commands)
      .filter(([, c]) => !c.hidden)
      .map(([id]) => id);
    expect(all.sort()).toEqual(visible.sort());
    expect(all).toEqual(expect.arrayContaining(['help', 'autocomplete', 'init']));
  });

  it('zsh gets a completion function with every visible command, its summary and flags', async () => {
    const setup = await readFile(setupFile('zsh'), 'utf8');
    const functions = /fpath=\(\n(.+)\n/.exec(setup)![1]!;
    const completion = await readFile(path.join(functions, '_serverless-infra'), 'utf8');
    expect(completion.startsWith('#compdef serverless-infra')).toBe(true);
    expect(completion).toContain('"deploy[Deploy the stack: synthesize, publish code,');
    expect(completion).toContain('"help[Display help for serverless-infra.]"');
    expect(completion).toMatch(/synth\)\n_arguments -S \\\n(.+\n)*--validate"\[/);
    expect(completion).not.toContain('"autocomplete:script');
  });
});

describe('completion in a real bash (tmux)', () => {
  let terminal: Terminal | undefined;
  afterEach(() => terminal?.close());

  it('completes `serverless-infra dep<Tab>` to deploy', async () => {
    // `serverless-infra` on the PATH, as a global install puts it.
    const bin = path.join(await tempDir('si-bin-'), 'bin');
    await mkdir(bin);
    await symlink(BIN, path.join(bin, 'serverless-infra'));
    terminal = new Terminal('bash --norc --noprofile -i', {
      cwd: cache,
      env: { ...env, PATH: `${bin}:${process.env.PATH}`, PS1: '$ ' },
    });
    await terminal.waitFor(/^\$$/m); // (tmux trims the blanks at the end of a line)
    terminal.type(`eval "$(serverless-infra autocomplete script bash)"`);
    terminal.press('Enter');
    await terminal.waitFor(/autocomplete script bash\)"\n\$$/m); // the next prompt: completion is set up
    terminal.type('serverless-infra dep');
    terminal.press('Tab');
    await terminal.waitFor(/^\$ serverless-infra deploy$/m);
    terminal.type('--va');
    terminal.press('Tab');
    await terminal.waitFor(/^\$ serverless-infra deploy --validate$/m);
  });
});
