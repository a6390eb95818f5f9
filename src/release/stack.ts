import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { UserError } from '../errors.js';

/** What a release needs from the deployed stack (its outputs, see CONTRACT.md "Synth API"). */
export interface ReleaseStack {
  stackName: string;
  functionName: string;
  aliasName: string;
  application: string;
  deploymentGroup: string;
  /** The version the last `deploy` published (may be absent on stacks deployed before the output existed). */
  newVersion?: string | undefined;
}

const REQUIRED = ['FunctionName', 'CodeDeployApplication', 'CodeDeployDeploymentGroup'] as const;
/** The alias the product releases through (CONTRACT.md); the AliasName output, when present, wins. */
const DEFAULT_ALIAS = 'live';

export async function readReleaseStack(cfn: CloudFormationClient, stackName: string): Promise<ReleaseStack> {
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
  } catch (error) {
    if (/does not exist/i.test((error as Error).message)) {
      throw new UserError(`Stack ${stackName} does not exist: there is nothing to release to.`, {
        suggestion: 'Run `serverless-infra deploy` first.',
        code: 'StackNotFound',
      });
    }
    throw error;
  }
  const missing = REQUIRED.filter((key) => !outputs[key]);
  if (missing.length > 0) {
    throw new UserError(`Stack ${stackName} has no ${missing.join(', ')} output: it has no release wiring.`, {
      suggestion: 'Run `serverless-infra deploy` to update the stack, then try again.',
      code: 'StackNotReleasable',
    });
  }
  return {
    stackName,
    functionName: outputs.FunctionName!,
    aliasName: outputs.AliasName || DEFAULT_ALIAS,
    application: outputs.CodeDeployApplication!,
    deploymentGroup: outputs.CodeDeployDeploymentGroup!,
    newVersion: outputs.NewVersion || undefined,
  };
}
