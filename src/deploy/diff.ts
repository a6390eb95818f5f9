import { GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { explainAwsError } from '../aws/aws-errors.js';
import type { AwsClients } from '../aws/clients.js';
import { type ChangeRow, createChangeSet, deleteChangeSet, formatChangeRows } from './change-set.js';
import { LIVE_ALIAS_PARAMETER } from './engine.js';
import type { DeployUi } from './interaction.js';
import { liveAliasVersion } from './preflight.js';
import { type StackSource, TEMPLATE_BODY_LIMIT, templateBody } from './stack-source.js';
import { conditionOf, describeStack, stackOutputs } from './stack-state.js';
import { renderTemplateDiff } from './template-diff.js';

export interface DiffResult {
  stackName: string;
  /** 'change-set': CloudFormation's own view; 'local': the stack does not exist, so a template diff. */
  source: 'change-set' | 'local';
  stackStatus: string | null;
  hasChanges: boolean;
  changes: ChangeRow[];
}

/**
 * What deploy would change, without changing anything: a change set created, shown and deleted; or,
 * when the stack does not exist yet (or only failed to be created), the local template diff.
 */
export async function diffStack(source: StackSource, clients: AwsClients, ui: DeployUi): Promise<DiffResult> {
  try {
    const cfn = await clients.cloudFormation();
    const stack = await describeStack(cfn, source.stackName);
    const condition = conditionOf(stack?.StackStatus);
    const status = stack?.StackStatus ?? null;
    if (condition !== 'ready') {
      ui.info(
        stack
          ? `${source.stackName} is in ${status}: showing the template against an empty stack.`
          : `${source.stackName} does not exist yet: everything below would be created.`,
      );
      ui.info(await renderTemplateDiff(undefined, source.template));
      const rows: ChangeRow[] = Object.entries(source.template.Resources ?? {}).map(([logicalId, r]) => ({
        action: 'add',
        logicalId,
        type: (r as { Type?: string }).Type ?? '',
        destructive: false,
        replacementCauses: [],
      }));
      return {
        stackName: source.stackName,
        source: 'local',
        stackStatus: status,
        hasChanges: rows.length > 0,
        changes: rows,
      };
    }
    const body = templateBody(source);
    if (body.length > TEMPLATE_BODY_LIMIT) {
      ui.warn(
        'The template is over 51,200 bytes: showing the local template diff (a change set would need an upload).',
      );
    }
    const [deployed, live] = await Promise.all([
      cfn.send(new GetTemplateCommand({ StackName: source.stackName, TemplateStage: 'Original' })),
      LIVE_ALIAS_PARAMETER in (source.template.Parameters ?? {})
        ? liveAliasVersion(clients, stackOutputs(stack).FunctionName)
        : Promise.resolve(undefined),
    ]);
    ui.info(await renderTemplateDiff(deployed.TemplateBody, source.template));
    if (body.length > TEMPLATE_BODY_LIMIT) {
      return {
        stackName: source.stackName,
        source: 'local',
        stackStatus: status,
        hasChanges: true,
        changes: [],
      };
    }
    const parameters =
      live === undefined ? source.parameters : { ...source.parameters, [LIVE_ALIAS_PARAMETER]: live };
    const changeSet = await ui.step('Creating a change set to compare (not executed)', () =>
      createChangeSet(cfn, {
        stackName: source.stackName,
        changeSetName: `serverless-infra-diff-${Date.now()}`,
        type: 'UPDATE',
        templateBody: body,
        parameters,
        tags: source.tags,
      }),
    );
    if (changeSet.hasChanges) await deleteChangeSet(cfn, source.stackName, changeSet.id);
    ui.info(`Resource changes (CloudFormation's view):`);
    for (const line of formatChangeRows(changeSet.rows)) ui.info(line);
    return {
      stackName: source.stackName,
      source: 'change-set',
      stackStatus: status,
      hasChanges: changeSet.hasChanges,
      changes: changeSet.rows,
    };
  } catch (error) {
    throw explainAwsError(error, `Comparing ${source.stackName}`);
  }
}
