import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { exitCodeOf, outcomeOf } from '../../src/release/outcome.js';

describe('outcome and exit codes', () => {
  it('maps each way a deployment ends to its documented, distinct exit code', () => {
    const cases = [
      [outcomeOf('Succeeded'), 'succeeded', 0],
      [outcomeOf('Failed', 'HOOK_EXECUTION_FAILURE'), 'failed', 20],
      [outcomeOf('Stopped', 'ALARM_ACTIVE'), 'rolled-back-by-alarm', 21],
      [outcomeOf('Failed', 'ALARM_ACTIVE'), 'rolled-back-by-alarm', 21],
      [outcomeOf('Stopped', 'MANUAL_STOP'), 'stopped', 22],
      [outcomeOf('InProgress'), 'in-progress', 0],
    ] as const;
    for (const [outcome, expected, code] of cases) {
      expect(outcome).toBe(expected);
      expect(exitCodeOf(outcome)).toBe(code);
    }
    expect(exitCodeOf('detached')).toBe(ExitCode.DETACHED);
    const codes = [
      ExitCode.RELEASE_FAILED,
      ExitCode.RELEASE_ROLLED_BACK,
      ExitCode.RELEASE_STOPPED,
      ExitCode.DETACHED,
    ];
    expect(new Set([...codes, ExitCode.OK, ExitCode.FAILURE, ExitCode.USAGE, ExitCode.CANCELLED]).size).toBe(
      8,
    );
  });
});
