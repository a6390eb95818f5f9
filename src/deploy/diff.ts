import type { AwsClients } from '../aws/clients.js';
import { fitsInline } from '../stack-contract.js';
import type { Interaction } from '../ui/interaction.js';
import { uploadTemplate } from './assets.js';
import { type ChangeRow, createChangeSet, deleteChangeSet, formatChangeRows } from './change-set.js';
import { planStack, type StackHooks } from './engine.js';
import { callerIdentity } from './identity.js';
import { reviewSecurity } from './security-review.js';
import { type StackSource, templateBody, templateHash } from './stack-source.js';
import { conditionOf } from './stack-state.js';
import { renderTemplateDiff } from './template-diff.js';
import { ensureToolkit } from './toolkit.js';

export interface DiffResult {
  stackName: string;
  /** 'change-set': CloudFormation's own view; 'local': the stack does not exist yet, so a template diff. */
  source: 'change-set' | 'local';
  stackStatus: string | null;
  hasChanges: boolean;
  /** Why the stack differs (template, parameters, tags, termination protection); empty: nothing to do. */
  reasons: string[];
  changes: ChangeRow[];
  /** IAM, resource-policy and security-group changes: whether deploy would ask for approval (broadening). */
  security: { anyChange: boolean; broadening: boolean };
}

/**
 * What deploy would change, without changing anything: the same plan as deploy (engine.planStack: the same
 * parameters, the same "nothing to do" check), then a change set created, shown and deleted — never
 * executed; or, when the stack does not exist yet (or only failed to be created), the local template diff.
 */
export async function diffStack(
  source: StackSource,
  clients: AwsClients,
  ui: Interaction,
  hooks: StackHooks = {},
): Promise<DiffResult> {
  const cfn = await clients.cloudFormation();
  const plan = await planStack(cfn, source, hooks);
  const status = plan.stack?.StackStatus ?? null;
  const result: DiffResult = {
    stackName: source.stackName,
    source: 'change-set',
    stackStatus: status,
    hasChanges: false,
    reasons: plan.reasons ?? [],
    changes: [],
    security: { anyChange: false, broadening: false },
  };
  // The template diff below includes the security tables; the result says what deploy would have to approve.
  const review = await reviewSecurity(plan.deployedTemplate, source.template);
  result.security = { anyChange: review.anyChange, broadening: review.broadening };
  if (conditionOf(status ?? undefined) !== 'ready') {
    ui.info(
      plan.stack
        ? `${source.stackName} is in ${status}: showing the template against an empty stack.`
        : `${source.stackName} does not exist yet: everything below would be created.`,
    );
    ui.result(await renderTemplateDiff(undefined, source.template));
    const rows: ChangeRow[] = Object.entries(source.template.Resources ?? {}).map(([logicalId, r]) => ({
      action: 'add',
      logicalId,
      type: (r as { Type?: string }).Type ?? '',
      destructive: false,
      replacementCauses: [],
    }));
    return { ...result, source: 'local', hasChanges: rows.length > 0, reasons: ['template'], changes: rows };
  }
  if (plan.reasons?.length === 0) {
    ui.result(`No changes: ${source.stackName} already runs this template, parameters, tags and code.`);
    return result;
  }
  ui.result(await renderTemplateDiff(plan.deployedTemplate, source.template));
  const body = templateBody(source);
  let templateUrl: string | undefined;
  if (!fitsInline(body)) {
    // CloudFormation reads a large template from S3 only: the same staging bucket as deploy.
    const { account } = await callerIdentity(clients);
    await ensureToolkit({ cfn, ui }, clients, account, {});
    templateUrl = (await uploadTemplate(clients, account, body, templateHash(body))).url;
  }
  const changeSet = await ui.step('Creating a change set to compare (not executed)', () =>
    createChangeSet(cfn, {
      stackName: source.stackName,
      changeSetName: `serverless-infra-diff-${Date.now()}`,
      type: 'UPDATE',
      templateBody: templateUrl ? undefined : body,
      templateUrl,
      parameters: plan.parameters,
      tags: source.tags,
    }),
  );
  if (changeSet.hasChanges) await deleteChangeSet(cfn, source.stackName, changeSet.id);
  ui.result(`Resource changes (CloudFormation's view):`);
  for (const line of formatChangeRows(changeSet.rows, ui.columns)) ui.result(line);
  return { ...result, hasChanges: changeSet.hasChanges, changes: changeSet.rows };
}
