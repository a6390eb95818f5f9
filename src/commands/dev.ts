import path from 'node:path';
import { BaseCommand } from '../base-command.js';
import { AUTH_MODES, type ResolvedEnvironment } from '../config/schema.js';
import { Flags } from '../oclif.js';
import { dataBucketName } from '../stack-contract.js';
import { style } from '../ui/style.js';

/** Where `dev` keeps the local stores' data, inside the project. */
export const DEV_DATA_DIR = path.join('.serverless-infra', 'dev');

export interface DevResult {
  url: string;
  dataDir: string;
  stopped: boolean;
}

export default class Dev extends BaseCommand<typeof Dev> {
  static override summary = 'Run the items API on this machine, without AWS.';
  static override description =
    `Serves the same handler the stack deploys on http://127.0.0.1:<port>, invoked \
with the events API Gateway sends, backed by embedded stores: DynamoDB (dynalite) and S3 (s3rver) with the \
table, index and bucket the stack creates; SNS notifications are printed here. No Docker, no AWS account.

Writes (POST/PUT/PATCH/DELETE) need a token, as on the deployed API: \`serverless-infra token --dev\` issues \
one, and the server checks it as API Gateway's Cognito authorizer would (401 without). The environment's \
"auth" decides (cognito unless the project file says none); --auth overrides it.

The API's OpenAPI 3.1 document is at /openapi.json (as \`serverless-infra openapi\` prints it, with this \
server's URL).

Data persists in ${DEV_DATA_DIR} of the project (--reset clears it). Ctrl-C stops the server.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --port 8080 --reset',
    'curl -X POST localhost:3000/items -H "Authorization: Bearer $(<%= config.bin %> token --dev)" -H "Content-Type: application/json" -d \'{"name":"first"}\'',
    '<%= config.bin %> <%= command.id %> --auth none',
    'curl localhost:3000/openapi.json',
  ];

  // A server runs until stopped; it has no result for --json.
  static override enableJsonFlag = false;

  static override flags = {
    port: Flags.integer({
      char: 'p',
      summary: 'Port on 127.0.0.1 to serve on.',
      default: 3000,
      min: 1,
      max: 65_535,
      env: 'SERVERLESS_INFRA_DEV_PORT',
    }),
    reset: Flags.boolean({ summary: `Delete the local data (${DEV_DATA_DIR}) before starting.` }),
    auth: Flags.string({
      summary:
        'Check tokens on writes (cognito) or not (none); default: the environment\'s "auth", else cognito.',
      options: [...AUTH_MODES],
      env: 'SERVERLESS_INFRA_DEV_AUTH',
    }),
  };

  public async run(): Promise<DevResult> {
    const { flags } = this;
    const environment = await this.environmentIfAny();
    const dataDir = path.resolve(DEV_DATA_DIR);
    const authMode = (flags.auth as ResolvedEnvironment['auth']) ?? environment?.auth ?? 'cognito';
    const [{ startDevServer }, { devTokenSecret }, { throttlingOf }, output] = await Promise.all([
      import('../dev/server.js'),
      import('../auth/dev-tokens.js'),
      import('../config/throttling.js'),
      import('../ui/dev-output.js'),
    ]);
    const server = await startDevServer({
      port: flags.port,
      dataDir,
      reset: flags.reset,
      environment: environment?.name ?? 'Development',
      auth: { mode: authMode, secret: await devTokenSecret(process.cwd()) },
      throttling: throttlingOf(environment),
      names: {
        region: environment?.region ?? 'us-east-1',
        ...(environment ? { bucketName: dataBucketName(environment.resourceId) } : {}),
      },
      logLevel: flags.verbose ? 'INFO' : 'WARN',
      version: this.config.version,
      onRequest: (request) => this.info(output.requestLine(request)),
      onPublish: (message) => {
        for (const line of output.publishLines(message)) this.info(line);
      },
    });
    for (const line of output.bannerLines({ ...server, dataDir, auth: authMode })) this.info(line);

    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    this.info('Stopping…');
    await server.stop();
    this.info(`${style.green('✔')} Stopped.`);
    return { url: server.url, dataDir, stopped: true };
  }
}
