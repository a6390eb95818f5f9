import path from 'node:path';
import { BaseCommand } from '../base-command.js';
import { AUTH_MODES, type AuthMode } from '../config/schema.js';
import { Flags } from '../oclif.js';
import type { OpenApiDocument } from '../runtime/openapi.js';
import { style } from '../ui/style.js';

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

export interface OpenApiWritten {
  output: string;
  openapi: string;
  paths: number;
  operations: number;
}

export default class OpenApi extends BaseCommand<typeof OpenApi> {
  static override summary = 'Print the OpenAPI 3.1 document of the items API.';
  static override description =
    `Generated from the API's own contract (routes, bodies, limits, errors, ETag/If-Match, \
pagination, CORS): import it into Postman or Swagger UI, or generate a client from it. Offline (no AWS call) \
unless --deployed asks for the deployed stack's URL.

Writes need a Cognito ID token when the environment's "auth" is cognito (the default without a project file); \
--auth overrides it. \`serverless-infra dev\` serves the same document at /openapi.json.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> > openapi.json',
    '<%= config.bin %> <%= command.id %> --output openapi.json --server-url https://d111111abcdef8.cloudfront.net',
    '<%= config.bin %> <%= command.id %> -e Production --deployed --output openapi.json',
  ];

  static override flags = {
    output: Flags.string({
      char: 'o',
      summary: 'Write the document to this file (atomically) instead of stdout.',
    }),
    'server-url': Flags.string({
      summary:
        "The API's base URL for the document's servers entry (e.g. the CloudFront URL `status` shows).",
      env: 'SERVERLESS_INFRA_OPENAPI_SERVER_URL',
      exclusive: ['deployed'],
    }),
    deployed: Flags.boolean({
      summary:
        "Take the servers entry from the environment's deployed stack (its CloudFront URL; one AWS call).",
    }),
    auth: Flags.string({
      summary:
        'Whether writes need a token (cognito) or not (none); default: the environment\'s "auth", else cognito.',
      options: [...AUTH_MODES],
    }),
  };

  public async run(): Promise<OpenApiDocument | OpenApiWritten> {
    const { flags } = this;
    const environment = await this.environmentIfAny();
    const auth = (flags.auth as AuthMode | undefined) ?? environment?.auth ?? 'cognito';
    const server: { url?: string | undefined; description?: string } = flags.deployed
      ? await this.deployedServer()
      : { url: flags['server-url'] };
    const { buildOpenApiDocument } = await import('../runtime/openapi.js');
    const document = buildOpenApiDocument({
      version: this.config.version,
      writeAuth: auth === 'cognito',
      ...(server.url ? { serverUrl: server.url } : {}),
      ...(server.description ? { serverDescription: server.description } : {}),
    });
    const text = JSON.stringify(document, null, 2);
    if (!flags.output) {
      // The document is the result: under --json oclif prints it, otherwise it is printed here.
      this.result(text);
      return document;
    }
    const { writeFileAtomic } = await import('../config/atomic-file.js');
    await writeFileAtomic(flags.output, `${text}\n`);
    const operations = Object.values(document.paths).reduce(
      (n, item) => n + Object.keys(item).filter((key) => HTTP_METHODS.has(key)).length,
      0,
    );
    const written = {
      output: path.resolve(flags.output),
      openapi: document.openapi,
      paths: Object.keys(document.paths).length,
      operations,
    };
    this.result(
      `${style.green('✔')} Wrote ${flags.output}: OpenAPI ${written.openapi}, ${operations} operations on ${written.paths} paths`,
    );
    return written;
  }

  /** The CloudFront URL of the environment's stack: the API's public address (API Gateway answers only it). */
  private async deployedServer(): Promise<{ url: string; description: string }> {
    const { env, clients } = await this.session();
    const { requiredStackOutput } = await import('../environment/outputs.js');
    return { url: await requiredStackOutput(env, clients, 'cloudFrontUrl'), description: env.name };
  }
}
