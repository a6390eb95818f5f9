import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { chooseRollbackTarget, chooseShiftTarget, previousVersion } from '../../src/release/target.js';
import { aliasTraffic } from '../../src/release/versions.js';

const functionName = 'items-fn';
const serving = (version: string, additional?: Record<string, number>) => aliasTraffic(version, additional);

function refusal(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('chooseShiftTarget', () => {
  it('defaults to the newest published version, from what the alias serves', () => {
    expect(chooseShiftTarget({ functionName, versions: ['1', '2', '10'], traffic: serving('2') })).toEqual({
      from: '2',
      to: '10',
    });
  });

  it('takes --to for a re-release of an older version', () => {
    expect(
      chooseShiftTarget({ functionName, versions: ['1', '2', '3'], traffic: serving('3'), requested: '1' }),
    ).toEqual({ from: '3', to: '1' });
  });

  it('refuses the version the alias already serves, saying so', () => {
    const error = refusal(() =>
      chooseShiftTarget({ functionName, versions: ['1', '2'], traffic: serving('2') }),
    );
    expect(error.code).toBe('AlreadyServed');
    expect(error.message).toContain('already serves version 2');
  });

  it('does not call a half-shifted alias "already served"', () => {
    const traffic = serving('1', { '2': 0.1 });
    expect(chooseShiftTarget({ functionName, versions: ['1', '2'], traffic })).toEqual({
      from: '1',
      to: '2',
    });
  });

  it('refuses an unknown version with the list of published ones (exit 2)', () => {
    const error = refusal(() =>
      chooseShiftTarget({ functionName, versions: ['1', '2'], traffic: serving('1'), requested: '9' }),
    );
    expect(error.code).toBe('UnknownVersion');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('1, 2');
  });

  it('refuses when nothing is published', () => {
    expect(refusal(() => chooseShiftTarget({ functionName, versions: [], traffic: serving('') })).code).toBe(
      'UnknownVersion',
    );
  });
});

describe('previousVersion and chooseRollbackTarget', () => {
  const releases = [
    { from: '3', to: '4', outcome: 'rolled-back-by-alarm' },
    { from: '2', to: '3', outcome: 'succeeded' },
    { from: '1', to: '2', outcome: 'succeeded' },
  ];

  it('is the version served before the last successful release to the current one', () => {
    expect(previousVersion(releases, '3')).toBe('2');
    expect(previousVersion(releases, '2')).toBe('1');
    expect(previousVersion(releases, '4')).toBeUndefined();
  });

  it('rolls back to it, or to --to', () => {
    const versions = ['1', '2', '3', '4'];
    expect(chooseRollbackTarget({ functionName, versions, traffic: serving('3'), releases })).toEqual({
      from: '3',
      to: '2',
    });
    expect(
      chooseRollbackTarget({ functionName, versions, traffic: serving('3'), releases, requested: '1' }),
    ).toEqual({ from: '3', to: '1' });
  });

  it('says there is nothing to roll back to when no release is on record', () => {
    const error = refusal(() =>
      chooseRollbackTarget({ functionName, versions: ['1'], traffic: serving('1'), releases: [] }),
    );
    expect(error.code).toBe('NothingToRollBack');
    expect(error.exitCode).not.toBe(0);
  });
});
