// The handler code: a user's own handler is bundled with esbuild at synth time; the built-in one is the
// package build's bundle and is never re-bundled.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError, UserError } from '../../src/errors.js';
import { prepareHandlerCode } from '../../src/synth/handler-code.js';
import { synthesize } from '../../src/synth/index.js';
import { DEVELOPMENT, FIXTURES, tempDir } from './synth-fixtures.js';

describe('user handler (handler in the project file)', () => {
  it('is bundled with its imports into the function code asset, handler index.handler', async () => {
    const outdir = tempDir('user-handler');
    const result = await synthesize(
      { ...DEVELOPMENT, handler: 'handlers/hello.ts' },
      { outdir, projectDir: FIXTURES },
    );
    const template = result.stack.template as {
      Resources: Record<string, { Type: string; Properties: { Handler?: string; Code?: { S3Key: string } } }>;
    };
    const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function')!;
    expect(fn.Properties.Handler).toBe('index.handler');
    const hash = fn.Properties.Code!.S3Key.replace(/\.zip$/, '');
    const bundle = readFileSync(path.join(outdir, `asset.${hash}`, 'index.mjs'), 'utf8');
    expect(bundle).toContain('hello from'); // the imported module is inside
    expect(bundle).toMatch(/export\s*\{[^}]*handler/);
  });

  it('a missing file is a UsageError naming the file', async () => {
    const error = await prepareHandlerCode('handlers/nope.ts', FIXTURES).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(path.join(FIXTURES, 'handlers', 'nope.ts'));
  });

  it('a bundling error names the file and the line', async () => {
    const dir = tempDir('broken-handler');
    writeFileSync(
      path.join(dir, 'broken.ts'),
      "export const handler = async () => {\n  return { statusCode: 200, body: 'ok' ;\n};\n",
    );
    const error = await prepareHandlerCode('broken.ts', dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(`${path.join(dir, 'broken.ts')}:2:`);
  });

  it('an unresolvable import names the importing file and line', async () => {
    const dir = tempDir('import-handler');
    writeFileSync(
      path.join(dir, 'entry.mjs'),
      "import { x } from './missing.mjs';\nexport const handler = x;\n",
    );
    const error = await prepareHandlerCode('entry.mjs', dir).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/entry\.mjs:1:\d+: Could not resolve "\.\/missing\.mjs"/);
  });

  it('an entry that does not export handler is refused', async () => {
    const error = await prepareHandlerCode('handlers/no-export.mjs', FIXTURES).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/does not export `handler` \(it exports: main\)/);
  });

  it('the temporary bundle is removed once synthesized', async () => {
    const code = await prepareHandlerCode('handlers/hello.ts', FIXTURES);
    expect(existsSync(path.join(code.directory, 'index.mjs'))).toBe(true);
    await code.dispose();
    expect(existsSync(code.directory)).toBe(false);
  });
});

describe('built-in handler', () => {
  it('uses the package build output as is', async () => {
    const code = await prepareHandlerCode(undefined, FIXTURES, path.join(FIXTURES, 'runtime'));
    expect(code).toMatchObject({ directory: path.join(FIXTURES, 'runtime'), handler: 'index.handler' });
  });

  it('a missing bundle is a UserError telling to run npm run build', async () => {
    const error = await prepareHandlerCode(undefined, FIXTURES, tempDir('no-runtime')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).suggestion).toContain('npm run build');
  });
});

describe('construct errors', () => {
  it('a construct that rejects its input is one UserError naming the problem, not a stack trace', async () => {
    // Bypasses the project file schema on purpose: the bucket name construct check is the one that fires.
    const error = await synthesize(
      { ...DEVELOPMENT, resourceId: 'Not_Valid', handler: 'handlers/hello.ts' },
      { outdir: tempDir('construct-error'), projectDir: FIXTURES },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/^The stack cannot be synthesized: .*bucket name/is);
    expect((error as Error).message).toContain('cf-serverless-logs-Not_Valid');
    expect((error as Error).message).toContain('(at ServerlessInfra-Development/Storage/LogsBucket)');
    expect((error as Error).message).not.toMatch(/\n\s+at /);
  });
});
