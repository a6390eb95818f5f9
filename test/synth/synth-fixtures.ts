// Environments and one cached synthesis per configuration: a synth costs about a second, so the tests of
// one file share it instead of synthesizing per test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import type { ResolvedEnvironment } from '../../src/config/schema.js';
import { createApp } from '../../src/synth/app.js';
import type { ServerlessStack } from '../../src/synth/stack.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.join(here, 'fixtures');
/** A stand-in for dist/runtime (the built-in bundle) and dist/smoke-hook (the release's smoke-test hook). */
export const RUNTIME_CODE = {
  directory: path.join(FIXTURES, 'runtime'),
  handler: 'index.handler',
  hook: { directory: path.join(FIXTURES, 'smoke-hook'), checks: 'items-api' as const },
};

export const PRODUCTION: ResolvedEnvironment = {
  name: 'Production',
  email: 'ops@example.com',
  region: 'eu-west-1',
  stackName: 'ServerlessInfra-Production',
  resourceId: 'prod1234',
  releaseStrategy: 'LambdaCanary10Percent5Minutes',
};

export const DEVELOPMENT: ResolvedEnvironment = {
  name: 'Development',
  email: 'dev@example.com',
  region: 'us-east-1',
  stackName: 'ServerlessInfra-Development',
  resourceId: 'dev98765',
  releaseStrategy: 'LambdaLinear10PercentEvery1Minute',
  geoAllowList: ['DE', 'FR'],
  reservedConcurrency: 5,
};

export interface Synthesized {
  stack: ServerlessStack;
  artifact: CloudFormationStackArtifact;
  template: Template;
  json: TemplateJson;
}

export interface TemplateJson {
  Parameters?: Record<string, { Type: string; Default?: string }>;
  Conditions?: Record<string, unknown>;
  Rules?: Record<string, unknown>;
  Outputs: Record<string, { Value: unknown }>;
  Resources: Record<string, TemplateResource>;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  UpdatePolicy?: unknown;
  DependsOn?: string | string[];
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `si-${prefix}-`));
}

const cache = new Map<string, Synthesized>();

/** The stack of an environment, synthesized once per test file. */
export function synthesized(env: ResolvedEnvironment): Synthesized {
  const key = JSON.stringify(env);
  let entry = cache.get(key);
  if (!entry) {
    const { app, stack } = createApp(env, RUNTIME_CODE, { outdir: tempDir('synth') });
    const artifact = app.synth().getStackByName(stack.stackName);
    const json = artifact.template as TemplateJson;
    entry = { stack, artifact, template: Template.fromJSON(json), json };
    cache.set(key, entry);
  }
  return entry;
}

/** Resources of a type, by logical id. */
export function resourcesOf(json: TemplateJson, type: string): Array<[string, TemplateResource]> {
  return Object.entries(json.Resources).filter(([, r]) => r.Type === type);
}

export function only(json: TemplateJson, type: string): [string, TemplateResource] {
  const found = resourcesOf(json, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}
