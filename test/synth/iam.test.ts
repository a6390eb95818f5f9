// The IAM walk: every policy of the template, no wildcard action in an Allow, and any wildcard resource is on
// the allow-list (src/synth/iam-allow-list.ts), which gives each one its reason.
import { describe, expect, it } from 'vitest';
import {
  allowListEntryFor,
  flattenReference,
  RESOURCE_WILDCARD_ALLOW_LIST,
} from '../../src/synth/iam-allow-list.js';
import { DEVELOPMENT, PRODUCTION, synthesized, type TemplateJson } from './synth-fixtures.js';

interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
}

interface Found {
  where: string;
  type: string;
  statement: Statement;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every permission statement in the template: identity policies, inline role policies, resource policies. */
function statements(json: TemplateJson): Found[] {
  const found: Found[] = [];
  for (const [id, resource] of Object.entries(json.Resources)) {
    const p = resource.Properties ?? {};
    const documents: Array<{ Statement: Statement[] }> = [];
    if (p.PolicyDocument) documents.push(p.PolicyDocument as { Statement: Statement[] });
    if (p.KeyPolicy) documents.push(p.KeyPolicy as { Statement: Statement[] });
    for (const inline of list(p.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>)) {
      documents.push(inline.PolicyDocument);
    }
    for (const document of documents) {
      for (const statement of list(document.Statement))
        found.push({ where: id, type: resource.Type, statement });
    }
  }
  return found;
}

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
