import path from 'node:path';
import { BaseCommand } from '../base-command.js';
import type { FieldChange, InitAnswers, InitFlags, InitPlan } from '../config/init-project.js';
import type { EnvironmentConfig, EnvironmentName } from '../config/schema.js';
import { projectFileFlags } from '../flags.js';
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
    ...projectFileFlags,
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
      ['Smoke test', env.smokeTest],
      ['Auth', env.auth],
      ['WAF', env.waf && JSON.stringify(env.waf)],
      ['Domain', env.customDomain?.domainName],
      ['Throttling', env.throttling && JSON.stringify(env.throttling)],
      [
        'Tags',
        env.tags &&
          Object.entries(env.tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(', '),
      ],
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
