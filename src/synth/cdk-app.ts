/**
 * Entry for the stock CDK CLI (`cdk.json`: "app": "node dist/synth/cdk-app.js"): the same App and stack as
 * `serverless-infra synth`, from serverless-infra.json in the current directory. The environment comes from
 * context: `npx cdk synth -c environment=Production` (optional when the file has only one).
 */
import path from 'node:path';
import { loadProject, projectFilePath, resolveEnvironment } from '../config/project-file.js';
import { UserError } from '../errors.js';
import { createApp } from './app.js';
import { prepareHandlerCode } from './handler-code.js';

try {
  const file = projectFilePath();
  const env = resolveEnvironment(await loadProject(file), contextValue('environment'));
  const code = await prepareHandlerCode(env.handler, path.dirname(file), undefined, {
    smokeTest: env.smokeTest,
  });
  try {
    // No outdir: the App takes CDK_OUTDIR from the CLI, and the CLI's context (CDK_CONTEXT_JSON) too.
    createApp(env, code).app.synth();
  } finally {
    await code.dispose();
  }
} catch (error) {
  if (!(error instanceof UserError)) throw error;
  process.stderr.write(`Error: ${error.message}\n${error.suggestion ? `→ ${error.suggestion}\n` : ''}`);
  process.exitCode = error.exitCode;
}

function contextValue(key: string): string | undefined {
  const context = JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}') as Record<string, unknown>;
  const value = context[key];
  return typeof value === 'string' ? value : undefined;
}
