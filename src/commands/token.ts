import { BaseCommand } from '../base-command.js';
import { userFlags } from '../flags.js';
import { Flags } from '../oclif.js';

export interface TokenResult {
  token: string;
  expiresAt: string;
  email: string;
  /** Issued locally for `serverless-infra dev`, not by Cognito. */
  dev: boolean;
}

export default class Token extends BaseCommand<typeof Token> {
  static override summary = 'Print an ID token for writes: Authorization: Bearer <token>.';
  static override description =
    `Signs in to the environment's Cognito user pool (InitiateAuth, USER_PASSWORD_AUTH) \
and prints the ID token on stdout, alone, so that it fits in $(…). API Gateway checks it on every write \
(POST/PUT/PATCH/DELETE); reads need none. It is valid for 60 minutes.

With --dev, no AWS: prints a token that \`serverless-infra dev\` accepts, signed with this project's local \
secret (.serverless-infra/dev-token-secret).

The password comes from SERVERLESS_INFRA_PASSWORD, or a masked prompt in a terminal. A user who turned on \
an authenticator app (TOTP) also gives its current code: --mfa-code, SERVERLESS_INFRA_MFA_CODE, or a prompt.`;

  static override examples = [
    'curl -X POST https://d111.cloudfront.net/items -H "Authorization: Bearer $(<%= config.bin %> <%= command.id %> --email alice@example.com)" -H "Content-Type: application/json" -d \'{"name":"n"}\'',
    '<%= config.bin %> <%= command.id %> --dev',
    '<%= config.bin %> <%= command.id %> --email ci-bot@example.com -e Production --json',
  ];

  static override flags = {
    email: userFlags.email("E-mail of the user (default with --dev: the environment's e-mail)."),
    password: userFlags.password('The password'),
    'mfa-code': Flags.string({
      summary: "The current 6-digit code of the user's authenticator app, if the user has one.",
      env: 'SERVERLESS_INFRA_MFA_CODE',
    }),
    dev: Flags.boolean({ summary: 'A local token for `serverless-infra dev` (no AWS).' }),
    'client-id': Flags.string({ summary: 'App client id (default: the stack output UserPoolClientId).' }),
  };

  public async run(): Promise<TokenResult> {
    const result = this.flags.dev ? await this.devToken() : await this.cognitoToken();
    this.result(result.token);
    return result;
  }

  private async devToken(): Promise<TokenResult> {
    const { flags } = this;
    const [
      { projectFilePath, readProject, resolveEnvironment },
      { emailInput },
      { devTokenSecret, issueDevToken },
    ] = await Promise.all([
      import('../config/project-file.js'),
      import('../prompts/credentials.js'),
      import('../auth/dev-tokens.js'),
    ]);
    const project = await readProject(projectFilePath());
    const fallback = project ? resolveEnvironment(project, flags.environment).email : 'developer@example.com';
    const email = await emailInput(flags.email ?? fallback, false);
    const { token, claims } = issueDevToken(await devTokenSecret(process.cwd()), email);
    return { token, email, expiresAt: new Date(claims.exp * 1000).toISOString(), dev: true };
  }

  private async cognitoToken(): Promise<TokenResult> {
    const { flags } = this;
    const [{ emailInput, mfaCodeInput, passwordInput }, { userPoolOutput, signIn }, { canPrompt }] =
      await Promise.all([
        import('../prompts/credentials.js'),
        import('../auth/users.js'),
        import('../ui/terminal.js'),
      ]);
    const { env, clients } = await this.session();
    // Its stdout is captured ($(serverless-infra token)): questions go to stderr.
    const ask = canPrompt({ json: this.jsonEnabled(), onStderr: true });
    const email = await emailInput(flags.email, ask, true);
    const password = await passwordInput(flags.password, ask, true);
    // A malformed code is refused before any call; a missing one is asked for only if Cognito wants it.
    const givenCode =
      flags['mfa-code'] === undefined ? undefined : await mfaCodeInput(flags['mfa-code'], false);
    const clientId = await userPoolOutput(env, clients, 'userPoolClientId', flags['client-id']);
    const started = Date.now();
    const { idToken, expiresIn } = await signIn(await clients.cognito(), clientId, email, password, () =>
      mfaCodeInput(givenCode, ask, true),
    );
    return {
      token: idToken,
      email,
      expiresAt: new Date(started + expiresIn * 1000).toISOString(),
      dev: false,
    };
  }
}
