/**
 * Every flag more than one command has, declared once (as in Shopify CLI's flags.ts): the same name means
 * the same thing everywhere, and each has its environment variable where CI needs one.
 */
import { Flags } from './oclif.js';

const GLOBAL = 'GLOBAL';

/** On every command (BaseCommand.baseFlags); --json comes from oclif's enableJsonFlag. */
export const globalFlags = {
  environment: Flags.string({
    char: 'e',
    summary: 'Environment of the project file: Production, Staging or Development.',
    description: 'May be omitted when the project file has only one environment.',
    env: 'SERVERLESS_INFRA_ENVIRONMENT',
    helpGroup: GLOBAL,
  }),
  profile: Flags.string({
    summary: 'AWS named profile (default: AWS_PROFILE or default).',
    helpGroup: GLOBAL,
  }),
  region: Flags.string({
    summary: 'AWS region (overrides the project file).',
    env: 'SERVERLESS_INFRA_REGION',
    helpGroup: GLOBAL,
  }),
  yes: Flags.boolean({
    char: 'y',
    summary: 'Answer yes to every confirmation (for CI).',
    helpGroup: GLOBAL,
  }),
  verbose: Flags.boolean({ summary: 'Plain, detailed progress: one line per event.', helpGroup: GLOBAL }),
};

/** shift and rollback: which version, how, and whether to watch. */
export const releaseFlags = {
  to: (summary: string) => Flags.string({ summary }),
  strategy: (defaultText: string) =>
    Flags.string({
      summary: 'canary, linear or all-at-once (or a CodeDeployDefault.Lambda… name).',
      description: `Default: ${defaultText}.`,
      env: 'SERVERLESS_INFRA_STRATEGY',
    }),
  watch: (summary: string) =>
    Flags.boolean({
      summary,
      description:
        'Default: on when stdout and stderr are a terminal (not in CI, not with --json); plain lines without a terminal.',
      allowNo: true,
    }),
};

/** user and token: who, and the password (the variable or the prompt rather than the flag). */
export const userFlags = {
  email: (summary: string) => Flags.string({ summary, env: 'SERVERLESS_INFRA_EMAIL' }),
  password: (summary: string) =>
    Flags.string({
      summary: `${summary} (prefer SERVERLESS_INFRA_PASSWORD or the prompt: flags end up in shell history).`,
      env: 'SERVERLESS_INFRA_PASSWORD',
    }),
};

/** Options of deploy and diff: how a stack is compared and synthesized. */
export const stackFlags = {
  validate: Flags.boolean({
    summary: "Also run CDK's built-in CloudFormation validation while synthesizing (slower: a few seconds).",
  }),
};
