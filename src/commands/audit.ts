import type { AuditFinding, AuditReport } from '../audit/index.js';
import { BaseCommand } from '../base-command.js';
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
    const { env, projectDir } = await this.target();
    const { auditEnvironment } = await import('../audit/index.js');
    const report = await auditEnvironment(env, projectDir);
    this.render(report);
    // --json prints the report (the return value) before the exit code is set.
    return this.finish(report, report.passed ? ExitCode.OK : ExitCode.FAILURE);
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
    this.result(`${style.bold(report.stackName)} (${report.environment})`);
    for (const [title, findings] of groups) {
      if (findings.length === 0) continue;
      this.result(`\n${style.bold(title)} (${findings.length})`);
      for (const f of findings) {
        const tag = f.acknowledged
          ? style.dim('ack')
          : f.level === 'error'
            ? style.red(f.level)
            : style.yellow(f.level);
        this.result(`  ${tag} ${f.source} ${style.bold(f.rule)} ${f.resource}`);
        this.result(`      ${f.message}`);
        if (f.reason) this.result(style.dim(`      reason: ${f.reason}`));
      }
    }
    if (report.cfnLint.note) this.result(`\n${style.yellow('note')} ${report.cfnLint.note}`);
    const { summary } = report;
    this.result(
      `\n${report.passed ? style.green('✔ passed') : style.red('✖ failed')}: ${summary.findings} findings, ` +
        `${summary.acknowledged} acknowledged, ${summary.unacknowledged} not acknowledged, ${summary.lintErrors} lint errors`,
    );
  }
}
