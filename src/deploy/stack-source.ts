import { createHash } from 'node:crypto';

/**
 * What the engine deploys: a template with its parameters, tags, termination protection and the asset
 * manifests to publish first. Built from a SynthResult (the app stack) or by hand (the toolkit stack), so
 * the engine is testable without synthesizing the real stack.
 */
export interface StackSource {
  stackName: string;
  // biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template is free-form JSON
  template: Record<string, any>;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  terminationProtection: boolean;
  /** Paths of cdk-assets manifests (`*.assets.json`) whose file assets the template references. */
  assetManifests: string[];
  /**
   * The template's own file name in the assembly: the synthesizer lists it as an asset, but the engine
   * sends small templates inline (and uploads large ones itself), so it is not published.
   */
  templateFile?: string | undefined;
}

/** The parts of aws-cdk-lib's CloudFormationStackArtifact the engine reads (type-only, no cdk import). */
export interface StackArtifactLike {
  stackName: string;
  templateFile: string;
  template: unknown;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  terminationProtection?: boolean;
  dependencies: ReadonlyArray<{ manifest: { type: string }; file?: string }>;
}

/** The shape of `synthesize()`'s result that deploy needs (src/synth/index.ts SynthResult). */
export interface SynthResultLike {
  stack: StackArtifactLike;
}

export function stackSourceFromSynth(result: SynthResultLike): StackSource {
  const { stack } = result;
  const assetManifests = stack.dependencies
    .filter((d) => d.manifest.type === 'cdk:asset-manifest' && typeof d.file === 'string')
    .map((d) => d.file as string);
  return {
    stackName: stack.stackName,
    template: stack.template as StackSource['template'],
    parameters: { ...stack.parameters },
    tags: { ...stack.tags },
    terminationProtection: stack.terminationProtection ?? false,
    assetManifests,
    templateFile: stack.templateFile,
  };
}

export function templateBody(source: StackSource): string {
  return JSON.stringify(source.template);
}

export function templateHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}
