import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { TEMPLATE_BODY_LIMIT } from '../stack-contract.js';
import type { SynthMessage, SynthResult } from './index.js';

export interface AssetSummary {
  id: string;
  name: string;
  packaging: string;
  path: string;
  bytes: number;
}

export interface SynthSummary {
  stackName: string;
  region: string;
  outdir: string;
  templateFile: string;
  templateBytes: number;
  inlineTemplateLimit: number;
  terminationProtection: boolean;
  tags: Record<string, string>;
  resourceCount: number;
  resourcesByType: Record<string, number>;
  parameters: string[];
  outputs: string[];
  assets: AssetSummary[];
  warnings: SynthMessage[];
}

interface AssetManifest {
  files?: Record<string, { displayName?: string; source: { path?: string; packaging?: string } }>;
}

/** What `synth` prints: enough to see what a deploy would do and whether the template fits inline. */
export function summarize(result: SynthResult): SynthSummary {
  const { stack, assembly } = result;
  const template = stack.template as {
    Resources?: Record<string, { Type: string }>;
    Parameters?: object;
    Outputs?: object;
  };
  const resourcesByType: Record<string, number> = {};
  for (const resource of Object.values(template.Resources ?? {})) {
    resourcesByType[resource.Type] = (resourcesByType[resource.Type] ?? 0) + 1;
  }
  const sorted = Object.fromEntries(
    Object.entries(resourcesByType).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)),
  );
  const templatePath = path.join(assembly.directory, stack.templateFile);
  return {
    stackName: stack.stackName,
    region: stack.environment.region,
    outdir: assembly.directory,
    templateFile: templatePath,
    // What deploy sends as TemplateBody (compact JSON), not the indented file: that is what the limit applies to.
    templateBytes: Buffer.byteLength(JSON.stringify(stack.template)),
    inlineTemplateLimit: TEMPLATE_BODY_LIMIT,
    terminationProtection: stack.terminationProtection ?? false,
    tags: stack.tags,
    resourceCount: Object.values(resourcesByType).reduce((a, b) => a + b, 0),
    resourcesByType: sorted,
    parameters: Object.keys(template.Parameters ?? {}),
    outputs: Object.keys(template.Outputs ?? {}),
    assets: fileAssets(result),
    warnings: result.messages.filter((m) => m.level === 'warning'),
  };
}

/** The code assets (the template itself is uploaded by the deploy engine only when over the limit). */
function fileAssets({ stack, assembly }: SynthResult): AssetSummary[] {
  const manifests = stack.dependencies.filter((d) => d.manifest.type === 'cdk:asset-manifest');
  const assets: AssetSummary[] = [];
  for (const manifest of manifests) {
    const file = (manifest.manifest.properties as { file: string }).file;
    const content = JSON.parse(readFileSync(path.join(assembly.directory, file), 'utf8')) as AssetManifest;
    for (const [id, asset] of Object.entries(content.files ?? {})) {
      if (asset.source.path === stack.templateFile) continue;
      const assetPath = path.join(assembly.directory, asset.source.path ?? '');
      assets.push({
        id,
        name: asset.displayName ?? id,
        packaging: asset.source.packaging ?? 'file',
        path: assetPath,
        bytes: sizeOf(assetPath),
      });
    }
  }
  return assets;
}

function sizeOf(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(target).reduce((total, entry) => total + sizeOf(path.join(target, entry)), 0);
}

/** Construct errors do not fail CDK's synth(): refuse the stack here, all of them in one message. */
export function assertNoConstructErrors(messages: SynthMessage[]): void {
  const errors = messages.filter((m) => m.level === 'error');
  if (errors.length === 0) return;
  const count = errors.length === 1 ? 'an error' : `${errors.length} errors`;
  throw new UserError(
    `The stack has ${count}:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`,
    {
      suggestion: 'Fix the environment in serverless-infra.json, then synth again.',
    },
  );
}
