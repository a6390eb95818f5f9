import path from 'node:path';
import { style } from './style.js';

/** What `dev` prints (on stderr): one line per request, the SNS messages it would send, and its banner. */

export function requestLine(request: { method: string; url: string; status: number; ms: number }): string {
  const colour = request.status >= 500 ? style.red : request.status >= 400 ? style.yellow : style.green;
  const at = style.dim(new Date().toISOString().slice(11, 19));
  return `${at} ${request.method} ${request.url} ${colour(String(request.status))} ${style.dim(`${request.ms} ms`)}`;
}

export function publishLines(message: { subject?: string | undefined; message: string }): string[] {
  return [
    `${style.cyan('SNS')} ${message.subject ?? '(no subject)'}`,
    style.dim(message.message.replace(/^/gm, '    ')),
  ];
}

export function bannerLines(server: {
  url: string;
  dataDir: string;
  auth: string;
  names: { tableName: string; bucketName: string };
}): string[] {
  return [
    `${style.green('✔')} Items API on ${style.bold(server.url)}  ${style.dim(`(data: ${path.relative(process.cwd(), server.dataDir)})`)}`,
    `  GET/POST ${server.url}/items   GET/PUT/PATCH/DELETE ${server.url}/items/{id}`,
    `  OpenAPI document: ${server.url}/openapi.json`,
    server.auth === 'cognito'
      ? `  writes need ${style.bold('Authorization: Bearer $(serverless-infra token --dev)')}; reads are public`
      : style.yellow('  auth none: anyone may write'),
    style.dim(`  table ${server.names.tableName}, bucket ${server.names.bucketName}; Ctrl-C to stop`),
  ];
}
