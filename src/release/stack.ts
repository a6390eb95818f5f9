import { LIVE_ALIAS, OUTPUTS, type StackOutputs } from '../stack-contract.js';

/** What a release needs from the deployed stack (its outputs, src/stack-contract.ts). */
export interface ReleaseStack {
  stackName: string;
  functionName: string;
  aliasName: string;
  application: string;
  deploymentGroup: string;
  /** The version the last `deploy` published (may be absent on stacks deployed before the output existed). */
  newVersion?: string | undefined;
  /** The function's log group (absent on stacks deployed before the output existed). */
  logGroupName?: string | undefined;
  /** The smoke-test hook (BeforeAllowTraffic/AfterAllowTraffic) and its log group; absent on older stacks. */
  smokeHook?: { functionName: string; logGroupName?: string | undefined } | undefined;
}

const REQUIRED = [OUTPUTS.functionName, OUTPUTS.codeDeployApplication, OUTPUTS.codeDeployDeploymentGroup];

/** The output keys a stack lacks for releasing (none: it can be released). */
export function missingReleaseOutputs(outputs: StackOutputs): string[] {
  return REQUIRED.filter((key) => !outputs[key]);
}

/**
 * The release wiring named by a stack's outputs, or undefined when the stack has none (not deployed yet,
 * or from before the wiring). The AliasName output, when present, names the alias.
 */
export function releaseStackFromOutputs(stackName: string, outputs: StackOutputs): ReleaseStack | undefined {
  if (missingReleaseOutputs(outputs).length > 0) return undefined;
  return {
    stackName,
    functionName: outputs[OUTPUTS.functionName] as string,
    aliasName: outputs[OUTPUTS.aliasName] || LIVE_ALIAS,
    application: outputs[OUTPUTS.codeDeployApplication] as string,
    deploymentGroup: outputs[OUTPUTS.codeDeployDeploymentGroup] as string,
    newVersion: outputs[OUTPUTS.newVersion] || undefined,
    logGroupName: outputs[OUTPUTS.logGroupName] || undefined,
    smokeHook: outputs[OUTPUTS.smokeHookFunctionName]
      ? {
          functionName: outputs[OUTPUTS.smokeHookFunctionName] as string,
          logGroupName: outputs[OUTPUTS.smokeHookLogGroupName] || undefined,
        }
      : undefined,
  };
}
