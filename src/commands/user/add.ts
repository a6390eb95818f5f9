import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { loadProject, resolveEnvironment } from '../../config/project-file.js';
import { style } from '../../ui/style.js';

export interface UserAddResult {
  environment: string;
  email: string;
  sub: string | null;
  userPoolId: string;
}

export default class UserAdd extends BaseCommand<typeof UserAdd> {
  static override summary =
    'Add a user who may write to the API (Cognito AdminCreateUser with a permanent password).';
  static override description =
    `Creates the user in the environment's Cognito user pool (from the stack outputs) with \
a verified e-mail and a permanent password, without sending an invitation: hand the password over yourself. \
The pool's policy: at least 14 characters with upper and lower case letters, digits and symbols.

The password comes from SERVERLESS_INFRA_PASSWORD, or a masked prompt in a terminal. Needs AWS credentials \
allowed to call cognito-idp:AdminCreateUser and AdminSetUserPassword on the pool.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> alice@example.com',
    'SERVERLESS_INFRA_PASSWORD=… <%= config.bin %> <%= command.id %> ci-bot@example.com -e Production --json',
  ];

  static override args = {
    email: Args.string({ description: 'E-mail address of the user (their sign-in name).', required: true }),
  };

  static override flags = {
    password: Flags.string({
      summary:
        'The password (prefer SERVERLESS_INFRA_PASSWORD or the prompt: flags end up in shell history).',
      env: 'SERVERLESS_INFRA_PASSWORD',
    }),
    'user-pool-id': Flags.string({ summary: 'User pool id (default: the stack output UserPoolId).' }),
  };

  public async run(): Promise<UserAddResult> {
    const { flags, args } = this;
    const env = resolveEnvironment(await loadProject(), flags.environment);
    const [{ awsContextFor, emailInput, passwordInput }, { userPoolOutput, addUser }, { CognitoClient }] =
      await Promise.all([
        import('../../auth/operator-input.js'),
        import('../../auth/users.js'),
        import('../../auth/cognito-client.js'),
      ]);
    const context = awsContextFor(env, flags);
    const email = await emailInput(args.email, false);
    const password = await passwordInput(flags.password, this.interactive);
    const userPoolId = await userPoolOutput(env, context, 'userPoolId', flags['user-pool-id']);
    const user = await addUser(new CognitoClient(context), userPoolId, email, password);
    this.info(`${style.green('✔')} ${style.bold(email)} may now write to the ${env.name} API.`);
    this.info(
      style.dim(
        `  Get a token: serverless-infra token --email ${email}${env.name === 'Production' ? ' -e Production' : ''}`,
      ),
    );
    return { environment: env.name, email, sub: user.sub ?? null, userPoolId };
  }
}
