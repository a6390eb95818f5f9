import { defaultRegion } from '../config/defaults.js';
import { answersFromFlags, type InitAnswers, type InitFlags, type InitPlan } from '../config/init-project.js';
import { ENVIRONMENT_NAMES, type ProjectConfig } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { confirmOrRefuse, type Interaction } from '../ui/interaction.js';
import { askEnvironment, askEssentials, askTheRest } from './init.js';

/** Flags that set something other than environment, e-mail and region. */
const OPTIONAL_FLAGS: Array<keyof InitFlags> = [
  'stack-name',
  'release-strategy',
  'geo-allow',
  'reserved-concurrency',
  'handler',
  'smoke-test',
  'auth',
  'waf',
  'waf-rate-limit',
  'domain',
  'throttle-rate',
  'throttle-burst',
  'tag',
];

/**
 * init's answers: the flags (checked by the project file's rules), then, in a terminal, questions for what
 * they leave open. An environment already in the file changes only in what was given; without a terminal a
 * missing value is an error naming its flag.
 */
export async function collectAnswers(
  existing: ProjectConfig | undefined,
  flags: InitFlags,
  options: { interactive: boolean; yes: boolean; profile: string | undefined; info: (line: string) => void },
): Promise<InitAnswers> {
  const given = answersFromFlags(flags);
  const present = existing ? ENVIRONMENT_NAMES.filter((n) => existing.environments[n]) : [];
  let environment = given.environment;
  if (!environment && present.length === 1 && !options.interactive) environment = present[0];
  if (!environment && options.interactive) environment = await askEnvironment(present);
  const previous = environment ? existing?.environments[environment] : undefined;
  const optionalGiven = OPTIONAL_FLAGS.some((name) => flags[name] !== undefined);

  let { email, region } = given;
  // An existing environment keeps what was not given; a new one (or a review with no flags) is asked.
  const ask = options.interactive && !(previous && (optionalGiven || email || region));
  if (ask && environment) ({ email, region } = await askEssentials(given, previous, options.profile));
  email ??= previous?.email;
  region ??= previous?.region ?? (await defaultRegionOrUndefined(options.profile));

  const missing = [
    !environment && '--environment (or SERVERLESS_INFRA_ENVIRONMENT): Production, Staging or Development',
    !email && '--email (or SERVERLESS_INFRA_EMAIL)',
    !region && '--region (or SERVERLESS_INFRA_REGION / AWS_REGION)',
  ].filter(Boolean);
  if (!environment || !email || !region) {
    throw new UsageError(
      `Missing ${missing.length === 1 ? 'a value' : 'values'} and no terminal to ask in:\n  ${missing.join('\n  ')}`,
      'Pass the flags above (or run `serverless-infra init` in a terminal to be asked).',
    );
  }
  const answers: InitAnswers = { ...given, environment, email, region };
  if (options.interactive && !previous && !options.yes && !optionalGiven)
    await askTheRest(answers, options.info);
  return answers;
}

async function defaultRegionOrUndefined(profile: string | undefined) {
  const { isAwsRegion } = await import('../config/regions.js');
  const region = await defaultRegion(profile);
  return region && isAwsRegion(region) ? region : undefined;
}

/** Changing an existing environment's values: the confirmation policy, with the changes listed. */
export async function confirmChanges(
  plan: InitPlan,
  ui: Pick<Interaction, 'yes' | 'interactive' | 'confirm' | 'info'>,
): Promise<void> {
  if (plan.changes.length === 0) return;
  const list = plan.changes
    .map((c) => `  ${c.field}: ${JSON.stringify(c.from) ?? '(unset)'} → ${JSON.stringify(c.to) ?? '(unset)'}`)
    .join('\n');
  if (ui.interactive && !ui.yes)
    ui.info(`Environment ${plan.environment} already exists; this changes:\n${list}`);
  await confirmOrRefuse(
    ui,
    'Apply these changes?',
    `Environment ${plan.environment} already exists; this would change:\n${list}`,
    'Pass --yes to change these values (the resource id is kept either way).',
  );
}
