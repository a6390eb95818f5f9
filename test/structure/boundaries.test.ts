import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { CDK_ONLY_IN, RULES } from './rules.js';

const SRC = path.join(ROOT, 'src');

interface Import {
  file: string;
  /** The area (src folder or top-level file) of the target, or the package name. */
  target: string;
  typeOnly: boolean;
}

/** The src folder or top-level file a path is in (a module imported as `x.js` is the file `x.ts`). */
function areaOf(file: string): string {
  return (path.relative(SRC, file).split(path.sep)[0] as string).replace(/\.js$/, '.ts');
}

/** Every import of a module, static or dynamic, with the area it reaches. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const patterns = [
    /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /import\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const [index, pattern] of patterns.entries()) {
    for (const match of text.matchAll(pattern)) {
      const specifier = (index === 0 ? match[3] : match[1]) as string;
      const typeOnly = index === 0 && Boolean(match[2]);
      const target = specifier.startsWith('.')
        ? areaOf(path.resolve(path.dirname(file), specifier))
        : specifier;
      found.push({ file: path.relative(ROOT, file), target, typeOnly });
    }
  }
  return found;
}

const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => path.join(SRC, f));
const imports = files.flatMap(importsOf);

const AREAS = new Set(readdirSync(SRC));

/** `*` forbids every other area of src (packages and node: modules stay allowed). */
function violates(forbid: string[], imp: Import, from: string): boolean {
  return forbid.some((f) => {
    if (f === '*') return imp.target !== from && AREAS.has(imp.target);
    return f.endsWith('/') ? imp.target.startsWith(f) : imp.target === f;
  });
}

describe('dependency rules (test/structure/rules.ts)', () => {
  it('finds the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(200);
    expect(imports.some((i) => i.target === 'stack-contract.ts')).toBe(true);
  });

  for (const rule of RULES) {
    it(`${rule.from}: ${rule.why}`, () => {
      const broken = imports
        .filter((i) => areaOf(path.join(ROOT, i.file)) === rule.from)
        .filter((i) => !(rule.typesAllowed && i.typeOnly))
        .filter((i) => violates(rule.forbid, i, rule.from))
        .map((i) => `${i.file} -> ${i.target}`);
      expect(broken).toEqual([]);
    });
  }

  it('aws-cdk-lib and constructs are loaded only where the stack is built', () => {
    const broken = imports
      .filter((i) => /^(aws-cdk-lib|constructs)(\/|$)/.test(i.target) && !i.typeOnly)
      .filter((i) => !CDK_ONLY_IN.includes(areaOf(path.join(ROOT, i.file))))
      .map((i) => `${i.file} -> ${i.target}`);
    expect(broken).toEqual([]);
  });

  it('the rules can fail: a forbidden import is reported', () => {
    const fake: Import = { file: 'src/deploy/x.ts', target: 'release', typeOnly: false };
    expect(violates(['release'], fake, 'deploy')).toBe(true);
    expect(violates(['*'], { ...fake, target: 'config' }, 'runtime')).toBe(true);
    expect(violates(['*'], { ...fake, target: 'node:fs' }, 'runtime')).toBe(false);
  });
});
