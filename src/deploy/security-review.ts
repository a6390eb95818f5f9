import { Writable } from 'node:stream';
import { confirmOrRefuse, type Interaction } from '../ui/interaction.js';

/** Which security changes need approval before a deploy (`--require-approval`, as the CDK CLI names them). */
export type ApprovalLevel = 'never' | 'broadening' | 'any-change';

export interface SecurityReview {
  /** A statement or grant that widens permissions (IAM, resource policies, security groups). */
  broadening: boolean;
  /** Any change to IAM, resource policies or security groups. */
  anyChange: boolean;
  /** The changes as @aws-cdk/cloudformation-diff tables them (empty without changes). */
  table: string;
}

/** The security side of a template change (IAM statements, managed policies, resource policies, security groups). */
export async function reviewSecurity(
  currentBody: string | undefined,
  next: Record<string, unknown>,
): Promise<SecurityReview> {
  const { fullDiff, formatSecurityChanges } = await import('@aws-cdk/cloudformation-diff');
  let current: Record<string, unknown> = {};
  try {
    current = currentBody ? JSON.parse(currentBody) : {};
  } catch {
    current = {};
  }
  const diff = fullDiff(current, next);
  if (!diff.permissionsAnyChanges) return { broadening: false, anyChange: false, table: '' };
  let table = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      table += chunk.toString();
      done();
    },
  });
  formatSecurityChanges(sink as unknown as NodeJS.WritableStream, diff);
  return { broadening: diff.permissionsBroadened, anyChange: true, table: table.trimEnd() };
}

/**
 * Shows the security changes and asks when the level says they need approval: --yes approves; without a
 * terminal a change that needs it is refused (nothing is changed, exit 2), naming the flags.
 */
export async function approveSecurity(
  ui: Interaction,
  review: SecurityReview,
  level: ApprovalLevel,
): Promise<void> {
  if (!review.anyChange) return;
  ui.info(review.broadening ? 'Security changes (they broaden permissions):' : 'Security changes:');
  for (const line of review.table.split('\n')) ui.info(line);
  const needed = level === 'any-change' || (level === 'broadening' && review.broadening);
  if (!needed) return;
  await confirmOrRefuse(
    ui,
    'Deploy these security changes?',
    `This deploy ${review.broadening ? 'broadens permissions' : 'changes IAM or resource policies'} (the table above) and --require-approval is ${level}: refusing without approval. Nothing was changed.`,
    'Review them (`serverless-infra diff` shows them too), then run again with --yes, or with --require-approval never.',
  );
}
