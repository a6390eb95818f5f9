import { execFile } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, startDev, stopDev, tempDir } from '../helpers/cli.js';
import { freePort } from '../support/moto.js';

// The package as a user gets it: `npm pack` of the build (npm run build first, as for every test of the built
// binary), `npm install -g` of the tarball into a temporary prefix, then the installed `serverless-infra` run in
// a project outside the repository. Catches a file missing from package.json "files", a runtime dependency left
// in devDependencies, and a bundle that reads from the source tree.

const run = promisify(execFile);

let work: string;
let installed: string; // <prefix>/bin/serverless-infra, as npm links it
let project: string;

/**
 * The environment of a user's shell: none of the npm_* variables `npm test` sets for its scripts, and the
 * NODE_ENV many developers' shells set (with it, oclif would look for TypeScript and warn it found none).
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = cleanEnv({ NODE_ENV: 'development', ...extra });
  for (const key of Object.keys(env)) if (/^npm_/i.test(key)) delete env[key];
  return env;
}

/** Runs the installed binary in the project directory, with a cache directory of its own (as a new user's). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const env = userEnv({ XDG_CACHE_HOME: path.join(work, 'cache') });
    const { stdout, stderr } = await run(installed, args, { cwd: project, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  work = await tempDir('si-install-');
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: ROOT,
    env: userEnv(),
  });
  const [{ filename }] = JSON.parse(pack.stdout) as [{ filename: string }];
  // From the npm cache where it can (npm ci filled it); the registry only for what the cache lacks.
  const prefix = path.join(work, 'prefix');
  await run(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      path.join(work, filename),
    ],
    { cwd: work, env: userEnv({ npm_config_update_notifier: 'false' }), maxBuffer: 16 * 1024 * 1024 },
  );
  installed = path.join(prefix, 'bin', 'serverless-infra');
  project = await tempDir('si-installed-project-');
}, 600_000);

afterAll(async () => {
  await Promise.all([work, project].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('serverless-infra installed from the package', () => {
  it('holds only what "files" lists, and nothing of it names the repository', async () => {
    const root = path.join(work, 'prefix', 'lib', 'node_modules', 'serverless-infra');
    const top = (await readdir(root)).filter((f) => f !== 'node_modules').sort();
    expect(top).toEqual(['README.md', 'bin', 'dist', 'oclif.manifest.json', 'package.json']);
    const { stdout } = await run('grep', ['-rlF', '--exclude-dir=node_modules', ROOT, root]).catch((e) => e);
    expect(stdout, 'files that name the repository').toBe('');
  });

  it('answers --version, help and a typo (the bundled oclif plugins need no dev dependency)', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect((await cli('--version')).stdout).toMatch(new RegExp(`^serverless-infra/${pkg.version} `));
    const help = await cli('help', 'deploy');
    expect(help.code, help.stderr).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain('$ serverless-infra deploy');
    const typo = await cli('deploi');
    expect(typo.code).toBe(127);
    expect(typo.stderr).toContain('Did you mean deploy?');
  });

  it('init --yes writes the project file from flags; synth builds the stack and the code assets', async () => {
    const init = await cli(
      'init',
      '--email',
      'ops@example.com',
      '--region',
      'eu-west-1',
      '-e',
      'Development',
      '--yes',
    );
    expect(init.code, init.stderr).toBe(0);
    expect(
      JSON.parse(await readFile(path.join(project, 'serverless-infra.json'), 'utf8')).environments,
    ).toHaveProperty('Development');

    const synth = await cli('synth', '--json');
    expect(synth.code, synth.stderr).toBe(0);
    const summary = JSON.parse(synth.stdout) as {
      resourceCount: number;
      assets: { path: string; bytes: number }[];
    };
    expect(summary.resourceCount).toBeGreaterThan(20);
    // The built-in items API: the runtime bundle that the package ships (dist/runtime).
    expect(await readdir(summary.assets[0]!.path)).toEqual(['index.mjs']);

    // A handler of the user's own: bundled at synth time by the esbuild the package installs.
    await writeFile(
      path.join(project, 'handler.mjs'),
      'export const handler = async () => ({ statusCode: 200, body: "own" });\n',
    );
    const own = [
      '--email',
      'qa@example.com',
      '--region',
      'eu-west-1',
      '-e',
      'Staging',
      '--handler',
      'handler.mjs',
    ];
    expect((await cli('init', ...own, '--yes')).code).toBe(0);
    const staging = await cli('synth', '-e', 'Staging', '--out', 'cdk.staging', '--json');
    expect(staging.code, staging.stderr).toBe(0);
    const [asset] = (JSON.parse(staging.stdout) as { assets: { path: string }[] }).assets;
    const code = await readFile(path.join(asset!.path, 'index.mjs'), 'utf8');
    expect(code).toContain('"own"');

    const { stdout } = await run('grep', ['-rlF', ROOT, project]).catch((e) => e);
    expect(stdout, 'synthesized files that name the repository').toBe('');
  });

  it('dev serves GET /items with 200 and stops on Ctrl-C', async () => {
    const port = await freePort();
    const dev = await startDev({ cwd: project, port, bin: installed, args: ['-e', 'Development'] });
    try {
      const response = await fetch(`${dev.url}/items`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ items: [], nextToken: null });
    } finally {
      expect(await stopDev(dev)).toBe(0);
    }
  });
});
