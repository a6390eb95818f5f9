// cfn-lint (AWS's template linter, on PATH) finds no error in the synthesized templates.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT, PRODUCTION, synthesized } from './synth-fixtures.js';

interface LintMatch {
  Level: string;
  Rule: { Id: string };
  Message: string;
  Location: { Path: unknown[] };
}

function lint(file: string): LintMatch[] {
  try {
    return JSON.parse(
      execFileSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8' }) || '[]',
    );
  } catch (error) {
    // cfn-lint exits non-zero whenever it reports something (2 errors, 4 warnings, 8 informational).
    const stdout = (error as { stdout?: string }).stdout;
    if (!stdout) throw error;
    return JSON.parse(stdout);
  }
}

describe('cfn-lint', () => {
  for (const env of [PRODUCTION, DEVELOPMENT]) {
    it(`${env.name}: no errors`, () => {
      const matches = lint(synthesized(env).artifact.templateFullPath);
      const errors = matches.filter((m) => m.Level === 'Error').map((m) => `${m.Rule.Id}: ${m.Message}`);
      expect(errors).toEqual([]);
    });
  }
});
