import { allowListEntryFor, flattenReference } from '../synth/iam-allow-list.js';

/** The part of a CloudFormation template the walk reads. */
export interface TemplateResources {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export interface PolicyStatement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
}

/** One permission statement and the resource that holds it. */
export interface FoundStatement {
  logicalId: string;
  type: string;
  statement: PolicyStatement;
}

export interface IamFinding {
  logicalId: string;
  type: string;
  rule: 'wildcard-action' | 'not-action-or-resource' | 'wildcard-resource';
  message: string;
  /** The allow-list entry (src/synth/iam-allow-list.ts) that accepts it, with its reason. */
  acknowledged?: { id: string; reason: string };
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Types whose `Policies` property holds inline IAM policies (elsewhere it may mean something else). */
const INLINE_POLICY_HOLDERS = new Set(['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']);

/** Every permission statement of a template: identity policies, inline role policies, resource and key policies. */
export function policyStatements(template: TemplateResources): FoundStatement[] {
  const found: FoundStatement[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const p = resource.Properties ?? {};
    const documents: Array<{ Statement?: PolicyStatement | PolicyStatement[] }> = [];
    if (isDocument(p.PolicyDocument)) documents.push(p.PolicyDocument);
    if (isDocument(p.KeyPolicy)) documents.push(p.KeyPolicy);
    if (INLINE_POLICY_HOLDERS.has(resource.Type)) {
      for (const inline of list(p.Policies as Array<{ PolicyDocument?: unknown }> | undefined)) {
        if (isDocument(inline.PolicyDocument)) documents.push(inline.PolicyDocument);
      }
    }
    for (const document of documents) {
      for (const statement of list(document.Statement))
        found.push({ logicalId, type: resource.Type, statement });
    }
  }
  return found;
}

function isDocument(value: unknown): value is { Statement?: PolicyStatement | PolicyStatement[] } {
  return typeof value === 'object' && value !== null && 'Statement' in value;
}

/**
 * DESIGN D7: no Allow statement grants a wildcard action or uses NotAction/NotResource; a wildcard resource is
 * a finding unless the allow-list names it (then it is reported as acknowledged, with the list's reason).
 * Deny statements (TLS-only bucket and topic policies) may be broad: they only take away.
 */
export function walkIam(template: TemplateResources): IamFinding[] {
  const findings: IamFinding[] = [];
  for (const { logicalId, type, statement } of policyStatements(template)) {
    if (statement.Effect !== 'Allow') continue;
    if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
      findings.push({
        logicalId,
        type,
        rule: 'not-action-or-resource',
        message: 'an Allow with NotAction/NotResource grants everything else',
      });
    }
    const actions = list(statement.Action);
    for (const action of actions.filter((a) => a.includes('*'))) {
      findings.push({
        logicalId,
        type,
        rule: 'wildcard-action',
        message: `allows the wildcard action ${action}`,
      });
    }
    for (const resource of list(statement.Resource).map(flattenReference)) {
      if (!resource.includes('*')) continue;
      const entry = allowListEntryFor(type, actions, resource);
      findings.push({
        logicalId,
        type,
        rule: 'wildcard-resource',
        message: `${actions.join(', ') || '(key policy)'} on ${resource}`,
        ...(entry ? { acknowledged: { id: entry.id, reason: entry.reason } } : {}),
      });
    }
  }
  return findings;
}
