import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { describeStack, stackOutputs } from '../deploy/stack-state.js';
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

/** The output keys a stack lacks for releasing (none: it can be released). */
export function missingReleaseOutputs(outputs: Record<string, string>): string[] {
  return REQUIRED.filter((key) => !outputs[key]);
}

/**
 * The release wiring named by a stack's outputs (`stackOutputs()` of deploy/stack-state.ts, the one
 * outputs reader), or undefined when the stack has none (not deployed yet, or from before the wiring).
 */
export function releaseStackFromOutputs(
  stackName: string,
  outputs: Record<string, string>,
): ReleaseStack | undefined {
  if (missingReleaseOutputs(outputs).length > 0) return undefined;
  return {
    stackName,
    functionName: outputs.FunctionName!,
    aliasName: outputs.AliasName || DEFAULT_ALIAS,
    application: outputs.CodeDeployApplication!,
    deploymentGroup: outputs.CodeDeployDeploymentGroup!,
    newVersion: outputs.NewVersion || undefined,
  };
}

export async function readReleaseStack(cfn: CloudFormationClient, stackName: string): Promise<ReleaseStack> {
  const stack = await describeStack(cfn, stackName);
  if (!stack) {
    throw new UserError(`Stack ${stackName} does not exist: there is nothing to release to.`, {
      suggestion: 'Run `serverless-infra deploy` first.',
      code: 'StackNotFound',
    });
  }
  const outputs = stackOutputs(stack);
  const wiring = releaseStackFromOutputs(stackName, outputs);
  if (!wiring) {
    throw new UserError(
      `Stack ${stackName} has no ${missingReleaseOutputs(outputs).join(', ')} output: it has no release wiring.`,
      {
        suggestion: 'Run `serverless-infra deploy` to update the stack, then try again.',
        code: 'StackNotReleasable',
      },
    );
  }
  return wiring;
}
