import { BaseCommand } from '../base-command.js';
import type { StatusResult } from '../environment/status.js';
import { Flags } from '../oclif.js';

export default class Status extends BaseCommand<typeof Status> {
  static override summary =
    "Show the environment's stack: status, outputs, alias versions, shifts, subscription.";
  static override description =
    `Stack status as CloudFormation names it (e.g. CREATE_COMPLETE) and its last change, the \
outputs, the function's ARN, which versions the alias live serves and with what share of the traffic, their \
requests, errors and p50/p99 latency over the last 5 minutes, the shift in flight or the last one, whether the e-mail subscription is confirmed, and a drift hint. The report goes to stdout. \
When the stack is changing (for instance after a detached deploy), it follows the operation until it ends; \
--no-follow just reports. A part that cannot be read (the release history, the subscription) is named on stderr and \
the rest is still shown.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -e Production --json',
    '<%= config.bin %> <%= command.id %> --no-follow | grep URL',
  ];

  static override flags = {
    follow: Flags.boolean({
      summary: 'Follow an operation in progress until it ends.',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<StatusResult> {
    const { stackStatus } = await import('../environment/status.js');
    const session = await this.session();
    return stackStatus(session.env.stackName, session.clients, await this.ui(), {
      follow: this.flags.follow && !this.jsonEnabled(),
    });
  }
}
