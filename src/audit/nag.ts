import type * as cdk from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import { requireCdk } from '../synth/cdk-modules.js';

const { Validations } = requireCdk('aws-cdk-lib/core') as typeof cdk;

export interface NagFinding {
  rule: string;
  /** Construct path of the resource. */
  path: string;
  level: 'error' | 'warning';
  message: string;
  /** The reason given where the finding was acknowledged (the resource or one of its parents). */
  acknowledged?: { reason: string };
}

interface Violation {
  ruleName: string;
  description: string;
  severity: string;
  violatingResources: Array<{ constructPath?: string }>;
}

/**
 * cdk-nag's AwsSolutions pack (v3) on a synthesized stack, reporting every finding, acknowledged or not.
 * The pack drops acknowledged findings itself; asked to see all of them, it lets the audit show each
 * acknowledgement next to the finding it covers. Run after `app.synth()`: the stack acknowledges its
 * allow-listed wildcards in a late validation.
 */
export function runNag(scope: IConstruct): NagFinding[] {
  const { AwsSolutionsChecks } = requireCdk('cdk-nag') as typeof import('cdk-nag');
  const pack = new AwsSolutionsChecks();
  (pack as unknown as { isAcknowledged(): boolean }).isAcknowledged = () => false;
  const report = pack.validateScope(scope) as unknown as { violations: Violation[] };
  const byPath = new Map(scope.node.findAll().map((c) => [c.node.path, c]));
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => {
      const path = resource.constructPath ?? '';
      const reason = acknowledgementOf(byPath.get(path), violation.ruleName);
      return {
        rule: violation.ruleName,
        path,
        level: violation.severity === 'error' ? ('error' as const) : ('warning' as const),
        message: violation.description,
        ...(reason === undefined ? {} : { acknowledged: { reason } }),
      };
    }),
  );
}

/** The reason of the closest acknowledgement of a rule on a construct or its parents (as cdk-nag looks). */
function acknowledgementOf(construct: IConstruct | undefined, rule: string): string | undefined {
  for (let current = construct; current; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        if (id.replace(/^(annotation|AwsSolutions)::/i, '') === rule) return String(reason);
      }
    }
  }
  return undefined;
}
