import path from 'node:path';
import type { AuditFinding, AuditReport } from '../audit/index.js';
import { BaseCommand } from '../base-command.js';
import { loadProject, projectFilePath, resolveEnvironment } from '../config/project-file.js';
import { ExitCode } from '../errors.js';
import { style } from '../ui/style.js';

export default class Audit extends BaseCommand<typeof Audit> {
  static override summary = 'Check the security of the stack: cdk-nag, cfn-lint and the IAM wildcard walk.';
  static override description =
    `Synthesizes the environment's stack offline and runs cdk-nag's AwsSolutions rules, \
cfn-lint (AWS's template linter; skipped with a note when not installed) and the IAM walk (no wildcard action; a \
wildcard resource only where the allow-list gives a reason). Prints every finding with its acknowledgement and \
reason.

Exits 1 when a cdk-nag or IAM finding is not acknowledged or cfn-lint reports an error; 0 otherwise.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -e Production --json',
  ];

  public async run(): Promise<AuditReport> {
    const file = projectFilePath();
    const env = resolveEnvironment(await loadProject(file), this.flags.environment);
    const [{ auditEnvironment }, { awsContextFor }] = await Promise.all([
      import('../audit/index.js'),
      import('../auth/operator-input.js'),
    ]);
    env.region = awsContextFor(env, this.flags).region as typeof env.region;
    const report = await auditEnvironment(env, path.dirname(file));
    this.render(report);
    // --json prints the report (the return value) before the exit code is set.
    if (!report.passed) process.exitCode = ExitCode.FAILURE;
    return report;
  }

  private render(report: AuditReport): void {
    const groups: Array<[string, AuditFinding[]]> = [
      [
        'Not acknowledged',
        report.findings.filter((f) => !f.acknowledged && !(f.source === 'cfn-lint' && f.level !== 'error')),
      ],
      [
        'cfn-lint warnings and notes',
        report.findings.filter((f) => f.source === 'cfn-lint' && f.level !== 'error'),
      ],
      ['Acknowledged', report.findings.filter((f) => f.acknowledged)],
    ];
    this.info(`${style.bold(report.stackName)} (${report.environment})`);
    for (const [title, findings] of groups) {
      if (findings.length === 0) continue;
      this.info(`\n${style.bold(title)} (${findings.length})`);
      for (const f of findings) {
        const tag = f.acknowledged
          ? style.dim('ack')
          : f.level === 'error'
            ? style.red(f.level)
            : style.yellow(f.level);
        this.info(`  ${tag} ${f.source} ${style.bold(f.rule)} ${f.resource}`);
        this.info(`      ${f.message}`);
        if (f.reason) this.info(style.dim(`      reason: ${f.reason}`));
      }
    }
    if (report.cfnLint.note) this.info(`\n${style.yellow('note')} ${report.cfnLint.note}`);
    const { summary } = report;
    this.info(
      `\n${report.passed ? style.green('✔ passed') : style.red('✖ failed')}: ${summary.findings} findings, ` +
        `${summary.acknowledged} acknowledged, ${summary.unacknowledged} not acknowledged, ${summary.lintErrors} lint errors`,
    );
  }
}
