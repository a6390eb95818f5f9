import { readFile } from 'node:fs/promises';
import path from 'node:path';
// biome-ignore lint/style/noRestrictedImports: oclif's own Help, to compare the CLI's with.
import { Config, Help } from '@oclif/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliHelp } from '../../src/oclif.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

// The built binary without a terminal: oclif's help command and its "did you mean" (plugin-help and
// plugin-not-found, bundled by scripts/build.mjs). The prompt on a terminal: not-found-terminal.test.ts.

interface ManifestCommand {
  summary?: string;
  description?: string;
  hidden?: boolean;
}

let cwd: string;
let visible: [string, ManifestCommand][];

beforeAll(async () => {
  cwd = await tempDir();
  const manifest = JSON.parse(await readFile(path.join(ROOT, 'oclif.manifest.json'), 'utf8'));
  visible = Object.entries<ManifestCommand>(manifest.commands).filter(([, c]) => !c.hidden);
});

describe('help', () => {
  it('`help` prints what `--help` prints: every visible command with its summary, `help` itself too', async () => {
    const [help, flag] = await Promise.all([runCli(['help'], { cwd }), runCli(['--help'], { cwd })]);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(flag.stdout);
    expect(visible.map(([id]) => id)).toEqual(expect.arrayContaining(['help', 'autocomplete', 'deploy']));
    const listing = help.stdout.replace(/\s+/g, ' '); // summaries wrap at 80 columns
    for (const [id, command] of visible) {
      const summary = (command.summary ?? command.description ?? '').replace(/\s+/g, ' ');
      expect(listing).toContain(
        `${id.replace(':', ' ')} ${summary.replace('<%= config.bin %>', 'serverless-infra')}`,
      );
    }
  });

  it('`help deploy` prints what `deploy --help` prints', async () => {
    const [help, flag] = await Promise.all([
      runCli(['help', 'deploy'], { cwd }),
      runCli(['deploy', '--help'], { cwd }),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('$ serverless-infra deploy');
    expect(help.stdout).toContain('FLAGS');
    expect(help.stdout).toBe(flag.stdout);
  });

  it('`help` of an unknown command fails with exit code 2', async () => {
    const result = await runCli(['help', 'nosuch'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Command nosuch not found');
  });
});

describe('an unknown command, without a terminal', () => {
  it('names the closest command and exits 127 without asking or running anything', async () => {
    const result = await runCli(['deploi', '--yes'], { cwd });
    expect(result.code).toBe(127);
    expect(result.stdout).toBe('');
    const stderr = result.stderr.replace(/\s*›\s*/g, ' ');
    expect(stderr).toContain('deploi is not a serverless-infra command.');
    expect(stderr).toContain(
      'Did you mean deploy? Run serverless-infra help for a list of available commands.',
    );
  });

  it('suggests by edit distance among the visible commands: `stauts` -> status, `hlep` -> help', async () => {
    const [status, help] = await Promise.all([
      runCli(['stauts'], { cwd }),
      runCli(['hlep', 'deploy'], { cwd }),
    ]);
    expect(status.stderr).toContain('Did you mean status?');
    expect(help.stderr).toContain('Did you mean help?');
  });

  it('keeps stdout empty under --json', async () => {
    const result = await runCli(['synht', '--json'], { cwd });
    expect(result.code).toBe(127);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Did you mean synth?');
  });
});

describe('the help texts', () => {
  it('are what oclif’s own Help prints, for the root and every command (EJS only for texts with a tag)', async () => {
    const config = await Config.load(ROOT);
    const print = async (Base: typeof Help, argv: string[]): Promise<string> => {
      const lines: string[] = [];
      const Capturing = class extends Base {
        protected override log(...args: string[]): void {
          lines.push(args.join(' '));
        }
      };
      await new Capturing(config, config.pjson.oclif.helpOptions).showHelp(argv);
      return lines.join('\n');
    };
    const ids = [[], ...config.commands.map((c) => [c.id])];
    expect(ids.length).toBeGreaterThan(10);
    for (const argv of ids) {
      const ours = await print(CliHelp, argv);
      expect(ours, argv.join(' ')).toBe(await print(Help, argv));
      expect(ours).not.toContain('<%');
    }
  });
});
