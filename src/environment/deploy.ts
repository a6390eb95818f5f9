import { type DiffResult, diffStack } from '../deploy/diff.js';
import { type DeployOptions, deployStack, type StackDeployResult } from '../deploy/engine.js';
import { type StackSource, stackSourceFromSynth } from '../deploy/stack-source.js';
import { UserError } from '../errors.js';
import { OUTPUTS, PARAMETERS } from '../stack-contract.js';
import type { Interaction } from '../ui/interaction.js';
import { appStackHooks } from './app-stack.js';
import { formatOutputs, type SubscriptionState, subscriptionState } from './outputs.js';
import type { Session } from './session.js';

export interface DeployResult extends StackDeployResult {
  environment: string;
  /** The version this deploy published, and the one the alias `live` serves. */
  versions: { published: string | null; live: string | null };
  subscription: SubscriptionState;
}

/** The environment's stack, synthesized in-process (aws-cdk-lib loads only here), with its warnings said. */
export async function synthesizeApp(
  session: Pick<Session, 'env' | 'projectDir'>,
  ui: Interaction,
  options: { validate?: boolean | undefined } = {},
): Promise<StackSource> {
  const synth = await ui.step('Synthesizing', async () => {
    const { synthesize } = await import('../synth/index.js');
    return synthesize(session.env, { validate: options.validate, projectDir: session.projectDir });
  });
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
  return stackSourceFromSynth(synth);
}

/** `deploy`: synthesize the environment's stack in-process, deploy it, and say what it serves now. */
export async function deployApp(
  session: Session,
  ui: Interaction,
  options: DeployOptions & { validate?: boolean | undefined },
): Promise<DeployResult> {
  if (session.region !== session.projectRegion) {
    ui.warn(`--region ${session.region} differs from the project file's region ${session.projectRegion}.`);
  }
  const source = await synthesizeApp(session, ui, options);
  const deployed = await deployStack(
    source,
    session.clients,
    ui,
    options,
    appStackHooks(session.env, session.clients),
  );
  const { outputs } = deployed;
  // The alias stays where it was; on the first deploy ('' sent) it serves the version just published.
  const live = deployed.parameters[PARAMETERS.liveAliasVersion] || outputs[OUTPUTS.newVersion] || null;
  const versions = { published: outputs[OUTPUTS.newVersion] ?? null, live };
  const subscription =
    deployed.outcome === 'deployed'
      ? await subscriptionState(session.clients, outputs[OUTPUTS.topicArn])
      : 'unknown';
  if (deployed.outcome === 'deployed') report(ui, outputs, versions, subscription);
  // Also after "No changes": a version published by an earlier deploy may still wait for its shift.
  if (versions.published && versions.live && versions.published !== versions.live) {
    ui.info(`Next: \`serverless-infra shift\` moves traffic from ${versions.live} to ${versions.published}.`);
  }
  return {
    ...deployed,
    environment: session.env.name,
    versions,
    subscription,
    awsCalls: session.clients.log.count,
  };
}

/** `diff`: what deploy would change, from the same plan (parameters and "nothing to do" check). */
export async function diffApp(
  session: Session,
  ui: Interaction,
  options: { validate?: boolean | undefined } = {},
): Promise<DiffResult> {
  const source = await synthesizeApp(session, ui, options);
  return diffStack(source, session.clients, ui, appStackHooks(session.env, session.clients));
}

function report(
  ui: Interaction,
  outputs: Record<string, string>,
  versions: DeployResult['versions'],
  subscription: SubscriptionState,
): void {
  const table = formatOutputs(outputs);
  if (table.length) {
    ui.result('Outputs:');
    for (const line of table) ui.result(line);
  }
  if (versions.published) {
    ui.result(
      `Lambda version ${versions.published} published; alias live serves version ${versions.live ?? '?'}.`,
    );
  }
  if (subscription === 'pending-confirmation') {
    ui.info('The notification e-mail subscription waits for confirmation: click the link AWS sent.');
  }
}
