import path from 'node:path';
import { BaseCommand } from '../base-command.js';
import type { ResolvedEnvironment } from '../config/schema.js';
import { stackFlags } from '../flags.js';
import { Flags } from '../oclif.js';
import type { SynthSummary } from '../synth/summary.js';
import { style } from '../ui/style.js';

export type SynthCommandResult = SynthSummary & { environment: ResolvedEnvironment['name'] };

export default class Synth extends BaseCommand<typeof Synth> {
  static override summary = 'Synthesize the stack of an environment into a cloud assembly, offline.';
  static override description =
    `Builds the CloudFormation template and the Lambda code asset in-process, without AWS \
credentials or network, writes the cloud assembly to --out, and prints a summary: resources by type, the template \
size against CloudFormation's 51,200-byte inline limit, the assets, and warnings from the constructs.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -e Production --out build/cdk.out',
    '<%= config.bin %> <%= command.id %> --validate --json',
  ];

  static override flags = {
    out: Flags.string({ char: 'o', summary: 'Directory for the cloud assembly.', default: 'cdk.out' }),
    validate: stackFlags.validate,
  };

  public async run(): Promise<SynthCommandResult> {
    const { flags } = this;
    const { env, projectDir } = await this.target();

    const [{ synthesize }, { assertNoConstructErrors, summarize }] = await Promise.all([
      import('../synth/index.js'),
      import('../synth/summary.js'),
    ]);
    const result = await synthesize(env, {
      outdir: path.resolve(flags.out),
      validate: flags.validate,
      projectDir,
    });
    assertNoConstructErrors(result.messages);
    const summary = summarize(result);
    this.render(summary);
    return { environment: env.name, ...summary };
  }

  private render(s: SynthSummary): void {
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    const fits = s.templateBytes <= s.inlineTemplateLimit;
    this.result(
      `${style.green('✔')} ${style.bold(s.stackName)} (${s.region}) synthesized to ${path.relative(process.cwd(), s.outdir) || '.'}`,
    );
    this.result(`  ${s.resourceCount} resources`);
    for (const [type, count] of Object.entries(s.resourcesByType))
      this.result(`    ${String(count).padStart(3)}  ${type}`);
    this.result(
      `  template ${groupDigits(s.templateBytes)} bytes of ${groupDigits(s.inlineTemplateLimit)} inline ${
        fits ? style.dim('(fits)') : style.yellow('(over: deploy passes it by S3 URL)')
      }`,
    );
    for (const asset of s.assets)
      this.result(`  asset ${asset.name}: ${asset.packaging}, ${kib(asset.bytes)}`);
    if (s.terminationProtection) this.result('  termination protection on');
    for (const w of s.warnings) this.logToStderr(`  ${style.yellow('warning')} ${w.path}: ${w.message}`);
  }
}

/** 43083 -> "43,083", as toLocaleString('en-US') prints it, without its ICU set-up (~10 ms on first use). */
function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}
