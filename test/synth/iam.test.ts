// The IAM walk: every policy of the template, no wildcard action in an Allow, and any wildcard resource is on
// the allow-list (src/synth/iam-allow-list.ts), which gives each one its reason.
import { describe, expect, it } from 'vitest';
import { policyStatements } from '../../src/audit/iam-walk.js';
import {
  allowListEntryFor,
  flattenReference,
  RESOURCE_WILDCARD_ALLOW_LIST,
} from '../../src/synth/iam-allow-list.js';
import { DEVELOPMENT, PRODUCTION, synthesized, type TemplateJson } from './synth-fixtures.js';

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every permission statement in the template (the walker lives in src/audit, which `audit` runs). */
const statements = (json: TemplateJson) =>
  policyStatements(json).map(({ logicalId, type, statement }) => ({ where: logicalId, type, statement }));

describe('IAM walk', () => {
  for (const env of [PRODUCTION, DEVELOPMENT]) {
    it(`${env.name}: no "*" in any allowed action; every "*" in a resource is allow-listed`, () => {
      const all = statements(synthesized(env).json);
      expect(all.length).toBeGreaterThan(10);
      const unlisted: string[] = [];
      for (const { where, type, statement } of all) {
        // NotAction/NotResource in an Allow would grant everything else: never.
        expect(statement.NotAction, where).toBeUndefined();
        expect(statement.NotResource, where).toBeUndefined();
        // Deny statements (TLS-only bucket and topic policies) may be broad: they only take away.
        if (statement.Effect !== 'Allow') continue;
        const actions = list(statement.Action);
        for (const action of actions) expect(action, `${where} allows ${action}`).not.toContain('*');
        for (const resource of list(statement.Resource).map(flattenReference)) {
          if (resource.includes('*') && !allowListEntryFor(type, actions, resource)) {
            unlisted.push(`${where} (${type}): ${actions.join(',')} on ${resource}`);
          }
        }
      }
      expect(unlisted).toEqual([]);
    });
  }

  it('every allow-list entry is used and says why', () => {
    const used = new Set<string>();
    for (const { type, statement } of statements(synthesized(PRODUCTION).json)) {
      if (statement.Effect !== 'Allow') continue;
      for (const resource of list(statement.Resource).map(flattenReference)) {
        const entry = resource.includes('*') && allowListEntryFor(type, list(statement.Action), resource);
        if (entry) used.add(entry.id);
      }
    }
    for (const entry of RESOURCE_WILDCARD_ALLOW_LIST) {
      expect(used, entry.id).toContain(entry.id);
      expect(entry.reason.length, entry.id).toBeGreaterThan(40);
    }
  });

  it('a wildcard outside the allow-list is caught (the list is not a blanket pass)', () => {
    expect(allowListEntryFor('AWS::IAM::Policy', ['dynamodb:Scan'], '*')).toBeUndefined();
    expect(
      allowListEntryFor('AWS::IAM::Policy', ['s3:GetObject'], '<StorageBucket12345678.Arn>/items/*'),
    ).toBeUndefined();
    expect(
      allowListEntryFor('AWS::IAM::Policy', ['s3:PutObject'], '<StorageBucket12345678.Arn>/*'),
    ).toBeUndefined();
  });
});
