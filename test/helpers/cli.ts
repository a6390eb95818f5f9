import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/run.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An environment without the CI machine's AWS and CI settings, so each test states what it needs. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('AWS_') || key.startsWith('SERVERLESS_INFRA_') || key === 'CI') continue;
    env[key] = value;
  }
  return {
    ...env,
    NO_COLOR: '1',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    ...extra,
  };
}

/** A run of the built binary under way: the process, what it printed so far, and its end. */
export interface StartedCli {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  done: Promise<CliResult>;
}

/**
 * Starts the built binary (npm run build first) with no terminal on stdin (`input`, then end of file); killed
 * after `timeoutMs` if given.
 */
export function startCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; input?: string; timeoutMs?: number },
): StartedCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  child.stdin.end(options.input ?? '');
  return { child, output: () => ({ stdout, stderr }), done };
}

/** Runs the built binary to its end (see startCli). */
export function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<CliResult> {
  return startCli(args, options).done;
}

/** A running `serverless-infra dev` (the built binary). */
export interface RunningDev {
  child: ChildProcess;
  url: string;
  /** Everything it printed on stderr so far. */
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts `serverless-infra dev` on `port` and resolves once its whole banner is printed. `bin`: another
 * executable than the built binary (an installed `serverless-infra`).
 */
export function startDev(options: {
  cwd: string;
  port: number;
  args?: string[];
  env?: Record<string, string>;
  bin?: string;
}): Promise<RunningDev> {
  const { cwd, port } = options;
  const args = ['dev', '--port', String(port), ...(options.args ?? [])];
  const [command, argv] = options.bin ? [options.bin, args] : [process.execPath, [BIN, ...args]];
  const child = spawn(command, argv, {
    cwd,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      // The banner's last line: the whole banner is there (it may arrive in several chunks).
      if (stderr.includes('Ctrl-C to stop')) {
        clearInterval(timer);
        resolve({ child, url: `http://127.0.0.1:${port}`, stderr: () => stderr, exited });
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`dev exited with ${code} before serving:\n${stderr}`));
    });
  });
}

/** Stops a running `dev` as Ctrl-C does; its exit code. */
export function stopDev(running: RunningDev): Promise<number | null> {
  if (running.child.exitCode === null) running.child.kill('SIGINT');
  return running.exited;
}

export function tempDir(prefix = 'si-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/**
 * A project directory with one environment and its own handler (`handler.mjs`, bundled by synth), so a test
 * needs no runtime build. `fields` override the defaults (region eu-west-1, a random resource id, canary).
 */
export async function handlerProject(
  environment: 'Staging' | 'Production' | 'Development',
  stackName: string,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const dir = await tempDir('si-project-');
  await writeFile(
    path.join(dir, 'handler.mjs'),
    'export const handler = async () => ({ statusCode: 200, body: "v1" });\n',
  );
  await writeFile(
    path.join(dir, 'serverless-infra.json'),
    JSON.stringify({
      schemaVersion: 1,
      environments: {
        [environment]: {
          email: 'ops@example.com',
          region: 'eu-west-1',
          stackName,
          resourceId: Math.random().toString(36).slice(2, 10).padEnd(8, '0'),
          releaseStrategy: 'LambdaCanary10Percent5Minutes',
          handler: 'handler.mjs',
          ...fields,
        },
      },
    }),
  );
  return dir;
}

/** `init` of a Development environment in eu-west-1 from flags, with the project's own `handler.mjs`. */
export function initDevelopment(stackName: string, strategy = 'canary'): string[] {
  return [
    'init',
    '--environment',
    'Development',
    '--email',
    'ops@example.com',
    '--region',
    'eu-west-1',
    '--stack-name',
    stackName,
    '--release-strategy',
    strategy,
    '--handler',
    'handler.mjs',
  ];
}
