import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, UserError } from '../errors.js';
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
): Promise<PreparedCode> {
  if (handler) return bundleUserHandler(path.resolve(projectDir, handler));
  if (!existsSync(path.join(directory, 'index.mjs'))) {
    throw new UserError(`The built-in handler bundle ${path.join(directory, 'index.mjs')} is missing.`, {
      suggestion: 'Run `npm run build` in the serverless-infra package, then synth again.',
    });
  }
  return { directory, handler: BUILT_IN_HANDLER, dispose: async () => {} };
}

async function bundleUserHandler(entry: string): Promise<PreparedCode> {
  if (!existsSync(entry)) {
    throw new UsageError(
      `The handler file ${entry} (\`handler\` in the project file) does not exist.`,
      'Fix the path in serverless-infra.json (relative to that file), or run `serverless-infra init --handler PATH`.',
    );
  }
  const { build } = await import('esbuild');
  const directory = await mkdtemp(path.join(tmpdir(), 'serverless-infra-handler-'));
  const dispose = () => rm(directory, { recursive: true, force: true });
  const outfile = path.join(directory, 'index.mjs');
  try {
    const result = await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      // The Node.js 24 Lambda runtime provides AWS SDK v3.
      external: ['@aws-sdk/*', '@smithy/*'],
      legalComments: 'none',
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: path.dirname(entry),
    });
    const exports = Object.values(result.metafile.outputs)[0]?.exports ?? [];
    if (!exports.includes('handler')) {
      throw new UsageError(
        `The handler file ${entry} does not export \`handler\` (it exports: ${exports.join(', ') || 'nothing'}).`,
        'Export the Lambda entry point as `export const handler = async (event) => { ... }`.',
      );
    }
    return { directory, handler: BUILT_IN_HANDLER, dispose };
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
