import { describe, expect, it } from 'vitest';
import {
  changeRows,
  destructiveRows,
  formatChangeRows,
  isEmptyChangeSet,
} from '../../src/deploy/change-set.js';

function change(action: string, id: string, type: string, extra: Record<string, unknown> = {}) {
  return {
    Type: 'Resource' as const,
    ResourceChange: { Action: action as 'Add', LogicalResourceId: id, ResourceType: type, ...extra },
  };
}

describe('change rows', () => {
  it('flags replacement and removal of data resources, not of stateless ones', () => {
    const rows = changeRows([
      change('Modify', 'Table', 'AWS::DynamoDB::Table', {
        Replacement: 'True',
        Details: [{ Target: { Name: 'KeySchema', RequiresRecreation: 'Always' } }],
      }),
      change('Remove', 'Bucket', 'AWS::S3::Bucket'),
      change('Remove', 'KeptBucket', 'AWS::S3::Bucket', { PolicyAction: 'Retain' }),
      change('Modify', 'Fn', 'AWS::Lambda::Function', { Replacement: 'True' }),
      change('Add', 'Topic', 'AWS::SNS::Topic'),
    ]);
    expect(rows.map((r) => r.action)).toEqual(['replace', 'remove', 'remove', 'replace', 'add']);
    expect(destructiveRows(rows).map((r) => r.logicalId)).toEqual(['Table', 'Bucket']);
    const text = formatChangeRows(rows).join('\n');
    expect(text).toMatch(/Table.*because of KeySchema.*DATA LOSS/);
    expect(text).not.toMatch(/Fn.*DATA LOSS/);
  });

  it('fits each row to the terminal: a long logical id is shortened in the middle, its end stays', () => {
    const id = `ComputeFunctionCurrentVersion${'4b0e1f3c'.repeat(6)}`;
    const rows = changeRows([
      change('Remove', 'Bucket', 'AWS::S3::Bucket'),
      change('Add', id, 'AWS::Lambda::Version'),
    ]);
    const fitted = formatChangeRows(rows, 80);
    for (const line of fitted) expect(line.length).toBeLessThanOrEqual(80);
    expect(fitted[0]).toMatch(/Bucket {2}⚠ DATA LOSS$/);
    expect(fitted[1]).toMatch(/ComputeFunctionCurr.*….*4b0e1f3c$/);
    // Without a terminal, nothing is cut.
    expect(formatChangeRows(rows)[1]).toContain(id);
  });

  it("recognises CloudFormation's empty change set reasons", () => {
    expect(
      isEmptyChangeSet("The submitted information didn't contain changes. Submit different information."),
    ).toBe(true);
    expect(isEmptyChangeSet('Template format error')).toBe(false);
  });
});
