/**
 * Every flag more than one command has, declared once (as in Shopify CLI's flags.ts): the same name means
 * the same thing everywhere, and each has its environment variable where CI needs one.
 */
import { AUTH_MODES, RELEASE_CONFIGS } from './config/schema.js';
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

/**
 * The settings of an environment in the project file, as `init` takes them (each also an environment
 * variable, for CI); checked by the project file's own schema (config/init-project.ts).
 */
export const projectFileFlags = {
  email: Flags.string({
    summary: 'E-mail address that receives notifications.',
    env: 'SERVERLESS_INFRA_EMAIL',
  }),
  'stack-name': Flags.string({
    summary: 'CloudFormation stack name (default: ServerlessInfra-<environment>).',
    env: 'SERVERLESS_INFRA_STACK_NAME',
  }),
  'release-strategy': Flags.string({
    summary: 'How `shift` moves traffic: canary, linear, all-at-once, or a CodeDeploy Lambda config name.',
    description: `canary = LambdaCanary10Percent5Minutes (default), linear = LambdaLinear10PercentEvery1Minute, \
all-at-once = LambdaAllAtOnce. Any of ${RELEASE_CONFIGS.join(', ')}.`,
    env: 'SERVERLESS_INFRA_RELEASE_STRATEGY',
  }),
  'geo-allow': Flags.string({
    summary:
      'Countries CloudFront serves, as ISO 3166-1 alpha-2 codes separated by commas (default: everywhere).',
    env: 'SERVERLESS_INFRA_GEO_ALLOW',
  }),
  'reserved-concurrency': Flags.integer({
    summary: 'Reserved concurrency for the function (default: none, the account pool).',
    env: 'SERVERLESS_INFRA_RESERVED_CONCURRENCY',
  }),
  handler: Flags.string({
    summary: 'Your own Lambda handler entry (.ts/.js/.mjs exporting `handler`) instead of the items API.',
    env: 'SERVERLESS_INFRA_HANDLER',
  }),
  'smoke-test': Flags.string({
    summary:
      'A smoke test module (exporting `smoke({ invoke })`) run against each new version before traffic moves.',
    env: 'SERVERLESS_INFRA_SMOKE_TEST',
  }),
  auth: Flags.string({
    summary: 'Who may write: cognito (signed-in users, default) or none (anyone; not for Production).',
    options: [...AUTH_MODES],
    env: 'SERVERLESS_INFRA_AUTH',
  }),
  waf: Flags.boolean({
    summary: 'WAF in front of the API (default: on in Production, off elsewhere).',
    allowNo: true,
    env: 'SERVERLESS_INFRA_WAF',
  }),
  'waf-rate-limit': Flags.integer({
    summary: 'Requests per client IP in 5 minutes before WAF blocks it (default 1000).',
    env: 'SERVERLESS_INFRA_WAF_RATE_LIMIT',
  }),
  domain: Flags.string({
    summary: 'Custom domain for CloudFront (with --certificate-arn, an ACM certificate in us-east-1).',
    dependsOn: ['certificate-arn'],
    env: 'SERVERLESS_INFRA_DOMAIN',
  }),
  'certificate-arn': Flags.string({
    summary: 'ACM certificate (us-east-1) for --domain; sets TLS 1.2 as the minimum.',
    dependsOn: ['domain'],
    env: 'SERVERLESS_INFRA_CERTIFICATE_ARN',
  }),
  'throttle-rate': Flags.integer({
    summary: 'Requests per second the API stage serves steadily (default 100; see docs/scale.md).',
    env: 'SERVERLESS_INFRA_THROTTLE_RATE',
  }),
  'throttle-burst': Flags.integer({
    summary: 'Requests the API stage takes at once above that rate (default 200).',
    env: 'SERVERLESS_INFRA_THROTTLE_BURST',
  }),
  tag: Flags.string({
    summary:
      'A tag on the stack and every resource in it, KEY=VALUE (repeat the flag, or separate with commas).',
    description:
      'Added to the tags the environment has (same key: replaced). Project, Owner and Environment are set by serverless-infra.',
    multiple: true,
    delimiter: ',',
    env: 'SERVERLESS_INFRA_TAGS',
  }),
};
