import { BaseCommand } from '../base-command.js';
import { userFlags } from '../flags.js';
import { Args, Flags } from '../oclif.js';
import { style } from '../ui/style.js';

export interface UserResult {
  environment: string;
  action: 'add' | 'remove';
  email: string;
  userPoolId: string;
  /** The new user's Cognito subject (add only). */
  sub: string | null;
}

export default class User extends BaseCommand<typeof User> {
  static override summary = 'Add or remove a user who may write to the API (the Cognito user pool).';
  static override description =
    `add: creates the user in the environment's Cognito user pool (from the stack \
outputs) with a verified e-mail and a permanent password, without an invitation e-mail: hand the password over \
yourself. The pool's policy: at least 14 characters with upper and lower case letters, digits and symbols. The \
password comes from SERVERLESS_INFRA_PASSWORD, or a masked prompt in a terminal.

remove: deletes the user, after asking (--yes in CI). Tokens already issued stay valid until they expire (at most \
60 minutes).

Needs AWS credentials allowed to call cognito-idp:AdminCreateUser, AdminSetUserPassword and AdminDeleteUser on \
the pool.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> add alice@example.com',
    'SERVERLESS_INFRA_PASSWORD=… <%= config.bin %> <%= command.id %> add ci-bot@example.com -e Production --json',
    '<%= config.bin %> <%= command.id %> remove alice@example.com --yes',
  ];

  static override args = {
    action: Args.string({ description: 'What to do.', options: ['add', 'remove'], required: true }),
    email: Args.string({ description: 'E-mail address of the user (their sign-in name).', required: true }),
  };

  static override flags = {
    password: userFlags.password('The password for add'),
    'user-pool-id': Flags.string({ summary: 'User pool id (default: the stack output UserPoolId).' }),
  };

  public async run(): Promise<UserResult> {
    const { flags, args } = this;
    const action = args.action as UserResult['action'];
    const [input, users, { confirmOrRefuse }] = await Promise.all([
      import('../prompts/credentials.js'),
      import('../auth/users.js'),
      import('../ui/interaction.js'),
    ]);
    const { env, clients } = await this.session();
    const email = await input.emailInput(args.email, false);
    const password =
      action === 'add' ? await input.passwordInput(flags.password, this.interactive) : undefined;
    if (action === 'remove') {
      await confirmOrRefuse(
        await this.ui(),
        `Remove ${email} from the ${env.name} user pool?`,
        `Refusing to remove ${email} without --yes: there is no terminal to ask in.`,
        'Pass --yes to confirm (for CI).',
      );
    }
    const userPoolId = await users.userPoolOutput(env, clients, 'userPoolId', flags['user-pool-id']);
    const client = await clients.cognito();
    if (password !== undefined) {
      const user = await users.addUser(client, userPoolId, email, password);
      this.result(`${style.green('✔')} ${style.bold(email)} may now write to the ${env.name} API.`);
      this.info(style.dim(`  Get a token: serverless-infra token --email ${email} -e ${env.name}`));
      return { environment: env.name, action, email, userPoolId, sub: user.sub ?? null };
    }
    await users.removeUser(client, userPoolId, email);
    this.result(`${style.green('✔')} ${style.bold(email)} removed from the ${env.name} user pool.`);
    return { environment: env.name, action, email, userPoolId, sub: null };
  }
}
