import path from 'node:path';
import { BaseCommand } from '../base-command.js';
import type { FieldChange, InitAnswers, InitFlags, InitPlan } from '../config/init-project.js';
import {
  AUTH_MODES,
  type EnvironmentConfig,
  type EnvironmentName,
  RELEASE_CONFIGS,
} from '../config/schema.js';
import { Flags } from '../oclif.js';
import { dataBucketName, logsBucketName } from '../stack-contract.js';
import { style } from '../ui/style.js';

export interface InitResult {
  file: string;
  environment: EnvironmentName;
  created: boolean;
  written: boolean;
  changes: FieldChange[];
  config: EnvironmentConfig;
}

export default class Init extends BaseCommand<typeof Init> {
  static override summary = 'Create or update the project file (serverless-infra.json).';
  static override description =
    `Asks for the notification e-mail, the AWS region and the environment, and writes \
serverless-infra.json in the current directory. Every question is also a flag and an environment variable; \
without a terminal (CI) or under --json nothing is asked and a missing value is an error naming its flag.

An existing file is never overwritten silently: init adds or updates the named environment, changes only the \
values given, keeps its resource id (it names the S3 buckets), and asks — or needs --yes — before changing a value.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --email ops@example.com --region eu-west-1 --environment Production --yes',
    'SERVERLESS_INFRA_EMAIL=ops@example.com SERVERLESS_INFRA_REGION=us-east-1 <%= config.bin %> <%= command.id %> -e Staging',
    '<%= config.bin %> <%= command.id %> -e Production --release-strategy linear --yes',
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
    // Before --yes was every command's, init had its own --force for it.
    force: Flags.boolean({ hidden: true, deprecated: { to: 'yes' } }),
  };

  public async run(): Promise<InitResult> {
    const [{ collectAnswers, confirmChanges }, { planInit }, project] = await Promise.all([
      import('../prompts/init-flow.js'),
      import('../config/init-project.js'),
      import('../config/project-file.js'),
    ]);
    const file = project.projectFilePath();
    const existing = await project.readProject(file);
    const answers: InitAnswers = await collectAnswers(existing, this.flags as InitFlags, {
      interactive: this.interactive,
      yes: this.flags.yes || this.flags.force,
      profile: this.flags.profile,
      info: (line) => this.info(line),
    });
    const plan = planInit(existing, answers);
    if (!plan.created && plan.changes.length === 0) {
      this.info(`${file} already has environment ${plan.environment} with these values: nothing to change.`);
      return this.summary(file, plan, false);
    }
    await confirmChanges(plan, { ...(await this.ui()), yes: this.flags.yes || this.flags.force });
    await project.writeProject(file, plan.project);
    this.report(file, plan);
    return this.summary(file, plan, true);
  }

  private report(file: string, plan: InitPlan): void {
    const env = plan.project.environments[plan.environment] as EnvironmentConfig;
    const rows: Array<[string, string | undefined]> = [
      ['E-mail', env.email],
      ['Region', env.region],
      ['Stack', env.stackName],
      ['Buckets', `${dataBucketName(env.resourceId)}, ${logsBucketName(env.resourceId)}`],
      ['Release', env.releaseStrategy],
      ['Countries', env.geoAllowList?.join(', ')],
      ['Concurrency', env.reservedConcurrency?.toString()],
      ['Handler', env.handler],
      ['Auth', env.auth],
      ['WAF', env.waf && JSON.stringify(env.waf)],
      ['Domain', env.customDomain?.domainName],
      ['Throttling', env.throttling && JSON.stringify(env.throttling)],
    ];
    const verb = plan.created ? 'added' : 'updated';
    this.result(
      `${style.green('✔')} ${path.basename(file)}: environment ${style.bold(plan.environment)} ${verb}`,
    );
    for (const [key, value] of rows) if (value) this.result(`  ${key.padEnd(12)}${value}`);
    this.info('');
    this.info('Next:');
    this.info(`  serverless-infra synth -e ${plan.environment}    see the stack, offline`);
    this.info(`  serverless-infra deploy -e ${plan.environment}   deploy it to AWS`);
  }

  private summary(file: string, plan: InitPlan, written: boolean): InitResult {
    const { environment, created, changes } = plan;
    const config = plan.project.environments[environment] as EnvironmentConfig;
    return { file, environment, created, written, changes, config };
  }
}
