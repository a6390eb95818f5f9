// Helpers for tests that run `dev` in-process (startDevServer). One server per test file: the handler bundle
// is a module, and its clients keep the stores of the first server that used them.
import { request as httpRequest } from 'node:http';
import type { DevServerOptions } from '../../src/dev/server.js';
import { freePort } from '../support/moto.js';

/** A raw HTTP request: headers as a list, so that any name is sent as given, repeated if listed twice. */
export function send(
  url: string,
  init: { method?: string; headers?: Array<[string, string]>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: init.method ?? 'GET',
        // A list of headers replaces Node's defaults, Host included (HTTP/1.1 needs it).
        headers: [
          ['Host', target.host],
          ...(init.headers ?? []),
          ...(init.body === undefined ? [] : [['Content-Length', String(Buffer.byteLength(init.body))]]),
        ].flat() as unknown as Record<string, string>,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Options for startDevServer in a test: a free port, this data folder, quiet, auth on with `secret`. */
export async function devOptions(
  dataDir: string,
  secret: Buffer,
  extra: Partial<DevServerOptions> = {},
): Promise<DevServerOptions> {
  return {
    port: await freePort(),
    dataDir,
    reset: true,
    names: {},
    environment: 'Development',
    auth: { mode: 'cognito', secret },
    logLevel: 'FATAL',
    onRequest: () => {},
    onPublish: () => {},
    ...extra,
  };
}
