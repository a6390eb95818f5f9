/**
 * The dependency rules of src/ (DESIGN.md §2): which area may import which. boundaries.test.ts holds the code to
 * them; change a rule here only with a reason in the commit.
 *
 * An area is a folder of src/ (or a top-level file). `forbid` lists what its modules must not import (areas,
 * or npm package prefixes starting with '@' or a letter); type-only imports count unless `typesAllowed`.
 */
export interface Rule {
  /** The importing area. */
  from: string;
  forbid: string[];
  typesAllowed?: boolean;
  why: string;
}

const SERVICES = [
  'config',
  'synth',
  'deploy',
  'release',
  'auth',
  'audit',
  'dev',
  'environment',
  'aws',
  'prompts',
  'logs',
];
const CLI_EDGE = ['commands', 'base-command.ts', 'flags.ts', 'hooks'];

export const RULES: Rule[] = [
  {
    from: 'runtime',
    forbid: ['*'],
    why: 'the Lambda handler is bundled on its own: it imports nothing of the CLI',
  },
  {
    from: 'synth',
    forbid: ['@aws-sdk/', 'deploy', 'release', 'environment', ...CLI_EDGE],
    why: 'synthesis is offline: no AWS SDK, and it knows nothing of deploying or releasing',
  },
  ...SERVICES.map((area) => ({
    from: area,
    forbid: CLI_EDGE,
    why: 'services do not reach up into the commands: commands call services',
  })),
  {
    from: 'deploy',
    forbid: ['release', 'environment'],
    why: 'the CloudFormation engine knows no releases; what needs both sits above them (src/environment)',
  },
  {
    from: 'release',
    forbid: ['deploy', 'environment'],
    why: 'releases know no CloudFormation; the environment layer reads the stack for them',
  },
  {
    from: 'stack-contract.ts',
    forbid: ['*'],
    why: 'the contract names things both sides use: it depends on nothing',
  },
  {
    from: 'compile-cache.ts',
    forbid: ['*'],
    why: 'it loads before oclif, at every start: Node.js built-ins only',
  },
  {
    from: 'ui',
    forbid: ['deploy', 'release', 'environment', 'synth', 'config', 'aws', ...CLI_EDGE],
    typesAllowed: true,
    why: 'the terminal side renders what services give it (their types), and never calls them',
  },
];

/** aws-cdk-lib and constructs load only where the stack is built (they cost seconds to load). */
export const CDK_ONLY_IN = ['synth', 'audit'];
