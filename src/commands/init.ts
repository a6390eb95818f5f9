import { access } from 'node:fs/promises';
import path from 'node:path';
import { BaseCommand } from '../base-command.js';
import { defaultRegion } from '../config/defaults.js';
import { type InitAnswers, type InitPlan, planInit } from '../config/init-project.js';
import { parseEnvironmentName, projectFilePath, readProject, writeProject } from '../config/project-file.js';
import { AWS_REGIONS, isAwsRegion } from '../config/regions.js';
import {
  AUTH_MODES,
  type AuthMode,
  CLOUDFRONT_CERTIFICATE_ARN_PATTERN,
  COUNTRY_CODE_PATTERN,
  DEFAULT_RELEASE_CONFIG,
  DOMAIN_NAME_PATTERN,
  defaultStackName,
  EMAIL_PATTERN,
  ENVIRONMENT_NAMES,
  type EnvironmentConfig,
  type EnvironmentName,
  type ProjectConfig,
  RELEASE_CONFIGS,
  type ReleaseConfig,
  STACK_NAME_PATTERN,
  THROTTLING_BOUNDS,
} from '../config/schema.js';
import { CancelledError, UsageError } from '../errors.js';
import { Flags } from '../oclif.js';
import { askChoice, askConfirm, askText } from '../ui/prompts.js';
import { style } from '../ui/style.js';

const HANDLER_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

export interface InitResult {
  file: string;
  environment: EnvironmentName;
  created: boolean;
  written: boolean;
  changes: Array<{ field: string; from: unknown; to: unknown }>;
  config: EnvironmentConfig;
}

export default class Init extends BaseCommand<typeof Init> {
  static override summary = 'Create or update the project file (serverless-infra.json).';
  static override description =
    `Asks for the notification e-mail, the AWS region and the environment, and writes \
serverless-infra.json in the current directory. Every question is also a flag and an environment variable; \
without a terminal (CI) or under --json nothing is asked and a missing value is an error naming its flag.

An existing file is never overwritten silently: init adds or updates the named environment, keeps its \
resource id (it names the S3 buckets), and asks — or needs --force — before changing a value.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --email ops@example.com --region eu-west-1 --environment Production --yes',
    'SERVERLESS_INFRA_EMAIL=ops@example.com SERVERLESS_INFRA_REGION=us-east-1 <%= config.bin %> <%= command.id %> -e Staging',
    '<%= config.bin %> <%= command.id %> -e Production --release-strategy linear --force',
  ];

  static override flags = {
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
      summary: 'Countries CloudFront serves, as ISO codes separated by commas (default: everywhere).',
      env: 'SERVERLESS_INFRA_GEO_ALLOW',
    }),
    'reserved-concurrency': Flags.integer({
      summary: 'Reserved concurrency for the function (default: none, the account pool).',
      env: 'SERVERLESS_INFRA_RESERVED_CONCURRENCY',
      min: 1,
    }),
    handler: Flags.string({
      summary: 'Your own Lambda handler entry (.ts/.js/.mjs exporting `handler`) instead of the items API.',
      env: 'SERVERLESS_INFRA_HANDLER',
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
      min: 10,
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
      ...THROTTLING_BOUNDS,
      env: 'SERVERLESS_INFRA_THROTTLE_RATE',
    }),
    'throttle-burst': Flags.integer({
      summary: 'Requests the API stage takes at once above that rate (default 200).',
      ...THROTTLING_BOUNDS,
      env: 'SERVERLESS_INFRA_THROTTLE_BURST',
    }),
    force: Flags.boolean({ summary: 'Change values of an existing environment without asking.' }),
  };

  public async run(): Promise<InitResult> {
    const { flags } = this;
    const file = projectFilePath();
    const existing = await readProject(file);
    const answers = await this.collectAnswers(existing);
    const plan = planInit(existing, answers);

    if (!plan.created && plan.changes.length === 0) {
      this.info(`${file} already has environment ${plan.environment} with these values: nothing to change.`);
      return this.result(file, plan, false);
    }
    if (plan.changes.length > 0 && !flags.force) await this.confirmChanges(plan);

    await writeProject(file, plan.project);
    this.report(file, plan);
    return this.result(file, plan, true);
  }

  private async collectAnswers(existing: ProjectConfig | undefined): Promise<InitAnswers> {
    const { flags } = this;
    const interactive = this.interactive;
    const present = existing ? ENVIRONMENT_NAMES.filter((n) => existing.environments[n]) : [];

    let environment = flags.environment === undefined ? undefined : validEnvironment(flags.environment);
    if (!environment && present.length === 1 && !interactive) environment = present[0];
    if (!environment && interactive) {
      environment = await askChoice({
        message: 'Environment',
        choices: ENVIRONMENT_NAMES,
        default: present[0] ?? 'Development',
      });
    }
    const previous = environment ? existing?.environments[environment] : undefined;

    let email = flags.email === undefined ? undefined : validEmail(flags.email);
    if (!email && interactive) {
      email = await askText({
        message: 'Notification e-mail',
        default: previous?.email,
        validate: (value) =>
          EMAIL_PATTERN.test(value.trim()) || 'Enter an e-mail address such as ops@example.com',
      });
      email = email.trim();
    }
    email ??= previous?.email;

    let region = flags.region === undefined ? undefined : validRegion(flags.region);
    if (!region && interactive) {
      const suggested = previous?.region ?? (await defaultRegion(flags.profile));
      region = await askChoice({
        message: 'AWS region',
        choices: AWS_REGIONS,
        default: suggested && isAwsRegion(suggested) ? suggested : 'us-east-1',
      });
    }
    if (!region) {
      const fallback = previous?.region ?? (await defaultRegion(flags.profile));
      if (fallback) region = validRegion(fallback);
    }

    const missing = [
      !environment && '--environment (or SERVERLESS_INFRA_ENVIRONMENT): Production, Staging or Development',
      !email && '--email (or SERVERLESS_INFRA_EMAIL)',
      !region && '--region (or SERVERLESS_INFRA_REGION / AWS_REGION)',
    ].filter(Boolean);
    if (missing.length > 0 || !environment || !email || !region) {
      throw new UsageError(
        `Missing ${missing.length === 1 ? 'a value' : 'values'} and no terminal to ask in:\n  ${missing.join('\n  ')}`,
        'Pass the flags above (or run `serverless-infra init` in a terminal to be asked).',
      );
    }

    const answers: InitAnswers = {
      environment,
      email,
      region,
      stackName: flags['stack-name'] === undefined ? undefined : validStackName(flags['stack-name']),
      releaseStrategy:
        flags['release-strategy'] === undefined ? undefined : validReleaseStrategy(flags['release-strategy']),
      geoAllowList: flags['geo-allow'] === undefined ? undefined : validGeoAllowList(flags['geo-allow']),
      reservedConcurrency: flags['reserved-concurrency'],
      handler: flags.handler === undefined ? undefined : await validHandler(flags.handler),
      ...securityAnswers(environment, flags),
      ...throttlingAnswers(flags),
    };

    const restGiven = [
      'stack-name',
      'release-strategy',
      'geo-allow',
      'reserved-concurrency',
      'handler',
      'auth',
      'waf',
      'waf-rate-limit',
      'domain',
      'throttle-rate',
      'throttle-burst',
    ].some((name) => flags[name as keyof typeof flags] !== undefined);
    if (interactive && !previous && !flags.yes && !restGiven) await this.askForTheRest(answers);
    return answers;
  }

  /** A new environment, in a terminal: show the defaults for the rest and let the user change them. */
  private async askForTheRest(answers: InitAnswers): Promise<void> {
    const stackName = defaultStackName(answers.environment);
    this.info(
      [
        style.dim('Defaults for the rest:'),
        `  stack name        ${stackName}`,
        `  release strategy  ${DEFAULT_RELEASE_CONFIG.canary} (canary: 10 % for 5 minutes, then all)`,
        '  geo restriction   none (CloudFront serves every country)',
        '  concurrency       the account pool (no reserved concurrency)',
        '  handler           the built-in items API',
      ].join('\n'),
    );
    if (await askConfirm({ message: 'Keep these defaults?', default: true })) return;

    answers.stackName = await askText({
      message: 'Stack name',
      default: stackName,
      validate: (v) => STACK_NAME_PATTERN.test(v) || 'A letter, then letters, digits or -, 128 at most',
    });
    answers.releaseStrategy = await askChoice<ReleaseConfig>({
      message: 'Release strategy',
      choices: RELEASE_CONFIGS,
      default: DEFAULT_RELEASE_CONFIG.canary,
    });
    const geo = await askText({
      message: 'Countries to serve (ISO codes, comma separated; empty for all)',
      validate: (v) => v.trim() === '' || geoProblem(v) === undefined || (geoProblem(v) as string),
    });
    if (geo.trim()) answers.geoAllowList = validGeoAllowList(geo);
    const concurrency = await askText({
      message: 'Reserved concurrency (empty for none)',
      validate: (v) =>
        v.trim() === '' || /^[1-9]\d{0,4}$/.test(v.trim()) || 'A whole number from 1, or empty',
    });
    if (concurrency.trim()) answers.reservedConcurrency = Number(concurrency.trim());
    const handler = await askText({ message: 'Handler entry (empty for the built-in items API)' });
    if (handler.trim()) answers.handler = await validHandler(handler.trim());
  }

  private async confirmChanges(plan: InitPlan): Promise<void> {
    const list = plan.changes
      .map(
        (c) => `  ${c.field}: ${JSON.stringify(c.from) ?? '(unset)'} → ${JSON.stringify(c.to) ?? '(unset)'}`,
      )
      .join('\n');
    if (this.flags.yes) return;
    if (!this.interactive) {
      throw new UsageError(
        `Environment ${plan.environment} already exists; this would change:\n${list}`,
        'Pass --force to change these values (the resource id is kept either way).',
      );
    }
    this.info(`Environment ${plan.environment} already exists; this changes:\n${list}`);
    if (!(await askConfirm({ message: 'Apply these changes?', default: false }))) throw new CancelledError();
  }

  private report(file: string, plan: InitPlan): void {
    const env = plan.project.environments[plan.environment]!;
    const rows: Array<[string, string]> = [
      ['E-mail', env.email],
      ['Region', env.region],
      ['Stack', env.stackName],
      ['Buckets', `cf-serverless-${env.resourceId}, cf-serverless-logs-${env.resourceId}`],
      ['Release', env.releaseStrategy],
    ];
    if (env.geoAllowList) rows.push(['Countries', env.geoAllowList.join(', ')]);
    if (env.reservedConcurrency) rows.push(['Concurrency', String(env.reservedConcurrency)]);
    if (env.handler) rows.push(['Handler', env.handler]);
    if (env.auth) rows.push(['Auth', env.auth]);
    if (env.waf) rows.push(['WAF', JSON.stringify(env.waf)]);
    if (env.customDomain) rows.push(['Domain', env.customDomain.domainName]);
    if (env.throttling) rows.push(['Throttling', JSON.stringify(env.throttling)]);
    const verb = plan.created ? 'added' : 'updated';
    this.info(
      `${style.green('✔')} ${path.basename(file)}: environment ${style.bold(plan.environment)} ${verb}`,
    );
    for (const [key, value] of rows) this.info(`  ${key.padEnd(12)}${value}`);
    this.info('');
    this.info('Next:');
    this.info(`  serverless-infra synth -e ${plan.environment}    see the stack, offline`);
    this.info(`  serverless-infra deploy -e ${plan.environment}   deploy it to AWS`);
  }

  private result(file: string, plan: InitPlan, written: boolean): InitResult {
    return {
      file,
      environment: plan.environment,
      created: plan.created,
      written,
      changes: plan.changes,
      config: plan.project.environments[plan.environment]!,
    };
  }
}

/** The security flags as answers; each checked like the project file checks it. */
function securityAnswers(
  environment: EnvironmentName,
  flags: {
    auth?: string | undefined;
    waf?: boolean | undefined;
    'waf-rate-limit'?: number | undefined;
    domain?: string | undefined;
    'certificate-arn'?: string | undefined;
  },
): Pick<InitAnswers, 'auth' | 'waf' | 'customDomain'> {
  const answers: Pick<InitAnswers, 'auth' | 'waf' | 'customDomain'> = {};
  if (flags.auth !== undefined) {
    if (flags.auth === 'none' && environment === 'Production') {
      throw new UsageError('--auth none is not allowed for Production: its writes must be authorized.');
    }
    answers.auth = flags.auth as AuthMode;
  }
  if (flags.waf !== undefined || flags['waf-rate-limit'] !== undefined) {
    answers.waf = {
      ...(flags.waf === undefined ? {} : { enabled: flags.waf }),
      ...(flags['waf-rate-limit'] === undefined ? {} : { rateLimit: flags['waf-rate-limit'] }),
    };
  }
  if (flags.domain !== undefined && flags['certificate-arn'] !== undefined) {
    const domainName = flags.domain.trim().toLowerCase();
    if (!DOMAIN_NAME_PATTERN.test(domainName)) {
      throw new UsageError(`--domain: "${flags.domain}" is not a domain name such as api.example.com.`);
    }
    if (!CLOUDFRONT_CERTIFICATE_ARN_PATTERN.test(flags['certificate-arn'])) {
      throw new UsageError(
        '--certificate-arn: expected the ARN of an ACM certificate in us-east-1 (CloudFront uses no other region).',
      );
    }
    answers.customDomain = { domainName, certificateArn: flags['certificate-arn'] };
  }
  return answers;
}

/** The stage throttling flags as answers (oclif checks each is a whole number within THROTTLING_BOUNDS). */
function throttlingAnswers(flags: {
  'throttle-rate'?: number | undefined;
  'throttle-burst'?: number | undefined;
}): Pick<InitAnswers, 'throttling'> {
  const { 'throttle-rate': rateLimit, 'throttle-burst': burstLimit } = flags;
  if (rateLimit === undefined && burstLimit === undefined) return {};
  return {
    throttling: {
      ...(rateLimit === undefined ? {} : { rateLimit }),
      ...(burstLimit === undefined ? {} : { burstLimit }),
    },
  };
}

function validEnvironment(value: string): EnvironmentName {
  const name = parseEnvironmentName(value);
  if (!name)
    throw new UsageError(`Unknown environment "${value}".`, `Use one of ${ENVIRONMENT_NAMES.join(', ')}.`);
  return name;
}

function validEmail(value: string): string {
  const email = value.trim();
  if (!EMAIL_PATTERN.test(email)) {
    throw new UsageError(
      `"${value}" is not an e-mail address.`,
      'Pass --email with an address such as ops@example.com.',
    );
  }
  return email;
}

function validRegion(value: string): EnvironmentConfig['region'] {
  if (!isAwsRegion(value)) {
    throw new UsageError(`"${value}" is not an AWS region.`, `Use one of ${AWS_REGIONS.join(', ')}.`);
  }
  return value;
}

function validStackName(value: string): string {
  if (!STACK_NAME_PATTERN.test(value)) {
    throw new UsageError(
      `"${value}" is not a valid CloudFormation stack name.`,
      'Use a letter, then letters, digits or hyphens (128 characters at most).',
    );
  }
  return value;
}

function validReleaseStrategy(value: string): ReleaseConfig {
  const shorthand = DEFAULT_RELEASE_CONFIG[value as keyof typeof DEFAULT_RELEASE_CONFIG];
  if (shorthand) return shorthand;
  const name = value.replace(/^CodeDeployDefault\./, '');
  const match = RELEASE_CONFIGS.find((c) => c.toLowerCase() === name.toLowerCase());
  if (!match) {
    throw new UsageError(
      `Unknown release strategy "${value}".`,
      `Use canary, linear, all-at-once or one of ${RELEASE_CONFIGS.join(', ')}.`,
    );
  }
  return match;
}

function geoProblem(value: string): string | undefined {
  const codes = value.split(',').map((c) => c.trim().toUpperCase());
  const bad = codes.filter((c) => !COUNTRY_CODE_PATTERN.test(c));
  return bad.length ? `Not ISO 3166-1 alpha-2 country codes: ${bad.join(', ')} (e.g. DE,FR,US)` : undefined;
}

function validGeoAllowList(value: string): string[] {
  const problem = geoProblem(value);
  if (problem)
    throw new UsageError(problem, 'Pass --geo-allow with codes separated by commas, e.g. DE,FR,US.');
  return [...new Set(value.split(',').map((c) => c.trim().toUpperCase()))];
}

async function validHandler(value: string): Promise<string> {
  if (!HANDLER_EXTENSIONS.includes(path.extname(value))) {
    throw new UsageError(
      `Handler "${value}" is not a ${HANDLER_EXTENSIONS.join('/')} file.`,
      'Pass --handler with the entry file that exports `handler`.',
    );
  }
  try {
    await access(path.resolve(value));
  } catch {
    throw new UsageError(
      `Handler file ${path.resolve(value)} does not exist.`,
      'Check the path given to --handler.',
    );
  }
  return path.relative(process.cwd(), path.resolve(value)).split(path.sep).join('/');
}
