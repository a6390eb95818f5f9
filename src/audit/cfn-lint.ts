import { execFile } from 'node:child_process';

export interface LintFinding {
  rule: string;
  level: 'error' | 'warning' | 'info';
  resource: string;
  message: string;
}

export type LintResult = { ran: true; findings: LintFinding[] } | { ran: false; note: string };

interface LintMatch {
  Level: string;
  Rule: { Id: string };
  Message: string;
  Location: { Path?: unknown[] };
}

/** AWS's template linter on a template file; skipped with a note when `cfn-lint` is not installed. */
export function runCfnLint(templateFile: string): Promise<LintResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'cfn-lint',
      ['--format', 'json', '--', templateFile],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
          resolve({ ran: false, note: 'cfn-lint is not installed (pip install cfn-lint): lint skipped.' });
          return;
        }
        // cfn-lint exits non-zero whenever it reports something (bit 2 errors, 4 warnings, 8 informational).
        let matches: LintMatch[];
        try {
          matches = JSON.parse(stdout || '[]') as LintMatch[];
        } catch {
          reject(new Error(`cfn-lint failed: ${stderr || error?.message}`));
          return;
        }
        resolve({
          ran: true,
          findings: matches.map((m) => ({
            rule: m.Rule.Id,
            level: m.Level === 'Error' ? 'error' : m.Level === 'Warning' ? 'warning' : 'info',
            resource: (m.Location.Path ?? []).slice(0, 2).join('/'),
            message: m.Message,
          })),
        });
      },
    );
  });
}
