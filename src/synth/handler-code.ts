import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, UserError } from '../errors.js';
import { SMOKE_CHECKS, SMOKE_MODULE_FILE } from '../runtime/contract.js';
import { LAMBDA_BUNDLE_OPTIONS } from './lambda-bundle.js';
import type { HandlerCode } from './stack.js';

/** The Lambda code for a synth, and what to clean up after it (a user bundle lives in a temporary dir). */
export interface PreparedCode extends HandlerCode {
  dispose(): Promise<void>;
}

const BUILT_IN_HANDLER = 'index.handler';

/** The package root: the first directory above this module with our package.json (src/ or dist/ alike). */
export function packageRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/**
 * The built-in items API is bundled once by the package build into dist/runtime; synth never re-bundles it.
 * A user's handler (`handler` in the project file, relative to it) is bundled here with esbuild.
 */
export async function prepareHandlerCode(
  handler: string | undefined,
  projectDir: string,
  directory = path.join(packageRoot(), 'dist', 'runtime'),
  smoke: { smokeTest?: string | undefined; hookDirectory?: string } = {},
): Promise<PreparedCode> {
  const hookDirectory = smoke.hookDirectory ?? path.join(packageRoot(), 'dist', 'smoke-hook');
  const checks = handler ? SMOKE_CHECKS.ownHandler : SMOKE_CHECKS.itemsApi;
  requireBuilt(hookDirectory, 'smoke-test hook');
  const hook = await prepareHook(hookDirectory, smoke.smokeTest && path.resolve(projectDir, smoke.smokeTest));
  try {
    if (handler) {
      const code = await bundleUserHandler(path.resolve(projectDir, handler));
      return {
        ...code,
        hook: { directory: hook.directory, checks },
        dispose: both(code.dispose, hook.dispose),
      };
    }
    requireBuilt(directory, 'built-in handler');
  } catch (error) {
    await hook.dispose();
    throw error;
  }
  return {
    directory,
    handler: BUILT_IN_HANDLER,
    hook: { directory: hook.directory, checks },
    dispose: hook.dispose,
  };
}

function requireBuilt(directory: string, what: string): void {
  if (!existsSync(path.join(directory, 'index.mjs'))) {
    throw new UserError(`The ${what} bundle ${path.join(directory, 'index.mjs')} is missing.`, {
      suggestion: 'Run `npm run build` in the serverless-infra package, then synth again.',
    });
  }
}

const both = (a: () => Promise<void>, b: () => Promise<void>) => async () => {
  await Promise.all([a(), b()]);
};

/**
 * The hook's directory: the package's prebuilt bundle, or (with a smoke test module) a temporary copy of it
 * with the user's module bundled next to it as smoke.mjs, which the hook imports when present.
 */
async function prepareHook(
  built: string,
  smokeTest: string | undefined,
): Promise<{ directory: string; dispose(): Promise<void> }> {
  if (!smokeTest) return { directory: built, dispose: async () => {} };
  return bundleUserModule({
    entry: smokeTest,
    missing: [
      `The smoke test ${smokeTest} (\`smokeTest\` in the project file) does not exist.`,
      'Fix the path in serverless-infra.json (relative to that file), or run `serverless-infra init --smoke-test PATH`.',
    ],
    prefix: 'serverless-infra-smoke-',
    outfile: SMOKE_MODULE_FILE,
    prepare: (directory) => copyFile(path.join(built, 'index.mjs'), path.join(directory, 'index.mjs')),
    check: (exports) =>
      exports.includes('smoke') || exports.includes('default')
        ? undefined
        : new UsageError(
            `The smoke test ${smokeTest} exports no \`smoke\` function (it exports: ${exports.join(', ') || 'nothing'}).`,
            'Export it as `export async function smoke({ invoke }) { ... }` (docs/release.md).',
          ),
  });
}

async function bundleUserHandler(entry: string): Promise<Omit<PreparedCode, 'hook'>> {
  const bundle = await bundleUserModule({
    entry,
    missing: [
      `The handler file ${entry} (\`handler\` in the project file) does not exist.`,
      'Fix the path in serverless-infra.json (relative to that file), or run `serverless-infra init --handler PATH`.',
    ],
    prefix: 'serverless-infra-handler-',
    outfile: 'index.mjs',
    check: (exports) =>
      exports.includes('handler')
        ? undefined
        : new UsageError(
            `The handler file ${entry} does not export \`handler\` (it exports: ${exports.join(', ') || 'nothing'}).`,
            'Export the Lambda entry point as `export const handler = async (event) => { ... }`.',
          ),
  });
  return { ...bundle, handler: BUILT_IN_HANDLER };
}

/**
 * A module of the user's (a handler, a smoke test) bundled with esbuild into `outfile` of a new temporary
 * directory, after `prepare` put what goes beside it there. Refused with `missing` when the file is not there,
 * or with what `check` says of its exports; the directory is removed on any failure.
 */
async function bundleUserModule(options: {
  entry: string;
  missing: [message: string, suggestion: string];
  prefix: string;
  outfile: string;
  prepare?: (directory: string) => Promise<void>;
  check: (exports: string[]) => UserError | undefined;
}): Promise<{ directory: string; dispose(): Promise<void> }> {
  const { entry } = options;
  if (!existsSync(entry)) throw new UsageError(...options.missing);
  const { build } = await import('esbuild');
  const directory = await mkdtemp(path.join(tmpdir(), options.prefix));
  const dispose = () => rm(directory, { recursive: true, force: true });
  try {
    await options.prepare?.(directory);
    const result = await build({
      entryPoints: [entry],
      ...LAMBDA_BUNDLE_OPTIONS,
      outfile: path.join(directory, options.outfile),
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: path.dirname(entry),
    });
    const refusal = options.check(Object.values(result.metafile.outputs)[0]?.exports ?? []);
    if (refusal) throw refusal;
    return { directory, dispose };
  } catch (error) {
    await dispose();
    if (error instanceof UserError) throw error;
    throw bundlingError(entry, error);
  }
}

interface EsbuildMessage {
  text: string;
  location: { file: string; line: number; column: number; lineText: string } | null;
}

function bundlingError(entry: string, error: unknown): UserError {
  const messages = ((error as { errors?: EsbuildMessage[] }).errors ?? []).map((m) => {
    const where = m.location
      ? `${path.resolve(path.dirname(entry), m.location.file)}:${m.location.line}:${m.location.column + 1}`
      : entry;
    return `  ${where}: ${m.text}${m.location?.lineText ? `\n      ${m.location.lineText.trim()}` : ''}`;
  });
  const detail = messages.length ? messages.join('\n') : `  ${(error as Error).message}`;
  return new UsageError(
    `Cannot bundle the handler ${entry}:\n${detail}`,
    'Fix the error above, then synth again.',
  );
}
