import { BaseCommand } from '../base-command.js';
import type { ApprovalLevel } from '../deploy/security-review.js';
import type { DeployResult } from '../environment/deploy.js';
import { ExitCode } from '../errors.js';
import { stackFlags } from '../flags.js';
import { Flags } from '../oclif.js';

export default class Deploy extends BaseCommand<typeof Deploy> {
  static override summary = 'Deploy the stack: synthesize, publish code, show the change set, apply it live.';
  static override description =
    `Synthesizes the environment's stack in-process and compares it with what is deployed: when \
template, parameters, tags and code are unchanged it says so and stops (no upload, three AWS calls). Otherwise it \
publishes the Lambda code once under its content hash, creates a CloudFormation change set, shows it (replacement or \
removal of the table, buckets or key is highlighted and needs confirmation, or --yes), executes it and follows every \
resource live. On failure it prints the root cause and exits non-zero.

A deploy publishes a new Lambda version but leaves traffic where it is; \`shift\` releases it. \
Changes to IAM or resource policies are shown as a table, and one that broadens permissions needs approval \
(--require-approval, --yes for CI).

Ctrl-C while the stack changes asks whether to detach (exit 23: the update goes on; \`status\` follows it), cancel \
the update (roll back) or keep waiting.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -e Production --yes',
    '<%= config.bin %> <%= command.id %> --profile staging --region eu-west-1 --verbose',
    'CI=1 <%= config.bin %> <%= command.id %> --json --yes > deploy.json',
  ];

  static override flags = {
    force: Flags.boolean({
      summary: 'Deploy even when nothing changed (re-checks assets, creates a change set).',
    }),
    wait: Flags.boolean({
      summary: 'Wait for another operation on the stack to end (--no-wait refuses instead).',
      default: true,
      allowNo: true,
    }),
    validate: stackFlags.validate,
    'require-approval': Flags.string({
      summary:
        'Which security changes (IAM, resource policies) need approval: never, broadening, any-change.',
      description:
        'broadening (default): ask before a change that widens permissions; any-change: before any security change; never: do not ask. --yes approves; without a terminal a change that needs approval is refused, naming this flag.',
      options: ['never', 'broadening', 'any-change'],
      default: 'broadening',
      env: 'SERVERLESS_INFRA_REQUIRE_APPROVAL',
    }),
  };

  async run(): Promise<DeployResult> {
    const { deployApp } = await import('../environment/deploy.js');
    const result = await deployApp(await this.session(), await this.ui(), {
      force: this.flags.force,
      noWait: !this.flags.wait,
      verbose: this.flags.verbose,
      validate: this.flags.validate,
      requireApproval: this.flags['require-approval'] as ApprovalLevel,
    });
    return this.finish(result, result.outcome === 'detached' ? ExitCode.DETACHED : ExitCode.OK);
  }
}
