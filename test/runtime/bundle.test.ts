import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The Lambda bundle the package build makes (npm test builds first). Its budget is a size, not a time, so it is
// checked here; its module-init time is measured by bench/runtime.bench.mjs.
const bundle = path.resolve(import.meta.dirname, '..', '..', 'dist', 'runtime', 'index.mjs');
const BUDGET_BYTES = 30 * 1024;

describe('the runtime bundle', () => {
  const source = () => {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first.`);
    return readFileSync(bundle, 'utf8');
  };

  it(`is minified ESM within ${BUDGET_BYTES / 1024} KB`, () => {
    const code = source();
    expect(Buffer.byteLength(code)).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(code).toMatch(/export\s*\{\s*\w+ as handler\s*\}/);
    expect(code.split('\n').length).toBeLessThan(10);
  });

  it('imports only Node.js built-ins and the AWS SDK the Lambda runtime provides', () => {
    const specifiers = [...source().matchAll(/(?:from|import)\s*\(?"([^"]+)"/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    for (const specifier of specifiers) {
      expect(specifier).toMatch(
        /^(node:[a-z_]+|@aws-sdk\/(client-dynamodb|lib-dynamodb|client-s3|client-sns))$/,
      );
    }
  });
});
