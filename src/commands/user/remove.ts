import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { loadProject, resolveEnvironment } from '../../config/project-file.js';
import { CancelledError } from '../../errors.js';
import { askConfirm } from '../../ui/prompts.js';
import { style } from '../../ui/style.js';

export interface UserRemoveResult {
  environment: string;
  email: string;
  removed: boolean;
}

export default class UserRemove extends BaseCommand<typeof UserRemove> {
  static override summary = 'Remove a user: they can no longer get tokens to write to the API.';
  static override description =
    `Deletes the user from the environment's Cognito user pool (AdminDeleteUser). \
Tokens already issued stay valid until they expire (at most 60 minutes; API Gateway caches a token's check \
for 5 minutes).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> alice@example.com',
    '<%= config.bin %> <%= command.id %> ci-bot@example.com -e Production --yes',
  ];

  static override args = {
    email: Args.string({ description: 'E-mail address of the user.', required: true }),
  };

  static override flags = {
    'user-pool-id': Flags.string({ summary: 'User pool id (default: the stack output UserPoolId).' }),
  };

  public async run(): Promise<UserRemoveResult> {
    const { flags, args } = this;
    const env = resolveEnvironment(await loadProject(), flags.environment);
    const [{ awsContextFor, emailInput }, { userPoolOutput, removeUser }, { CognitoClient }] =
      await Promise.all([
        import('../../auth/operator-input.js'),
        import('../../auth/users.js'),
        import('../../auth/cognito-client.js'),
      ]);
    const context = awsContextFor(env, flags);
    const email = await emailInput(args.email, false);
    if (!flags.yes && this.interactive) {
      const ok = await askConfirm({
        message: `Remove ${email} from the ${env.name} user pool?`,
        default: false,
      });
      if (!ok) throw new CancelledError();
    }
    const userPoolId = await userPoolOutput(env, context, 'userPoolId', flags['user-pool-id']);
    await removeUser(new CognitoClient(context), userPoolId, email);
    this.info(`${style.green('✔')} ${style.bold(email)} removed from the ${env.name} user pool.`);
    return { environment: env.name, email, removed: true };
  }
}
