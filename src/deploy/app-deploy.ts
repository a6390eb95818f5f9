import { UserError } from '../errors.js';
import { type DeployOptions, type DeployResult, deployStack } from './engine.js';
import type { DeployUi } from './interaction.js';
import type { Session } from './session.js';
import { stackSourceFromSynth } from './stack-source.js';
import { synthesizeFor } from './synth-loader.js';

/** `deploy`: synthesize the environment's stack in-process, then hand it to the engine. */
export async function deployApp(
  session: Session,
  ui: DeployUi,
  options: DeployOptions & { validate?: boolean },
): Promise<DeployResult> {
  const synth = await ui.step('Synthesizing', () =>
    synthesizeFor(session.env, session.region, { validate: options.validate }),
  );
  const errors = synth.messages.filter((m) => m.level === 'error');
  for (const m of synth.messages.filter((x) => x.level === 'warning')) ui.warn(`${m.path}: ${m.message}`);
  if (errors.length > 0) {
    throw new UserError(
      `Synthesis reported errors:\n${errors.map((m) => `  ${m.path}: ${m.message}`).join('\n')}`,
      {
        code: 'SynthFailed',
        suggestion: 'Fix them (see `serverless-infra synth`) and deploy again. Nothing was changed.',
      },
    );
  }
  return deployStack(
    stackSourceFromSynth(synth),
    {
      environment: session.env.name,
      region: session.region,
      projectRegion: session.env.region,
      reservedConcurrency: session.env.reservedConcurrency,
    },
    session.clients,
    ui,
    options,
  );
}
