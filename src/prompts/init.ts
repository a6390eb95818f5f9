/**
 * init's questions, in a terminal: what the flags did not say. Every answer is checked as it is typed by the
 * project file's own rules (config/init-project.ts), so a bad answer is asked again in place, never ends the
 * session. Tests replace the prompts through @inquirer/testing.
 */
import { defaultRegion } from '../config/defaults.js';
import {
  checkHandler,
  fieldProblem,
  type GivenAnswers,
  handlerProblem,
  type InitAnswers,
  parseGeoAllowList,
} from '../config/init-project.js';
import { AWS_REGIONS, isAwsRegion } from '../config/regions.js';
import {
  DEFAULT_RELEASE_CONFIG,
  defaultStackName,
  ENVIRONMENT_NAMES,
  type EnvironmentConfig,
  type EnvironmentName,
  RELEASE_CONFIGS,
  type ReleaseConfig,
} from '../config/schema.js';
import { askChoice, askConfirm, askText } from '../ui/prompts.js';

export async function askEnvironment(present: EnvironmentName[]): Promise<EnvironmentName> {
  return askChoice({
    message: 'Environment',
    choices: ENVIRONMENT_NAMES,
    default: present[0] ?? 'Development',
  });
}

/** E-mail and region of a new environment (or of one being reviewed): the previous values as defaults. */
export async function askEssentials(
  given: GivenAnswers,
  previous: EnvironmentConfig | undefined,
  profile: string | undefined,
): Promise<Pick<InitAnswers, 'email' | 'region'>> {
  const email =
    given.email ??
    (
      await askText({
        message: 'Notification e-mail',
        default: previous?.email,
        validate: (v) =>
          fieldProblem('email', v.trim()) === true || 'Enter an e-mail address such as ops@example.com',
      })
    ).trim();
  const suggested = previous?.region ?? (await defaultRegion(profile));
  const region =
    given.region ??
    (await askChoice({
      message: 'AWS region',
      choices: AWS_REGIONS,
      default: suggested && isAwsRegion(suggested) ? suggested : 'us-east-1',
    }));
  return { email, region };
}

/** A new environment: show the defaults for the rest and let the user change them. */
export async function askTheRest(answers: InitAnswers, info: (line: string) => void): Promise<void> {
  const stackName = defaultStackName(answers.environment);
  info(
    [
      'Defaults for the rest:',
      `  stack name        ${stackName}`,
      `  release strategy  ${DEFAULT_RELEASE_CONFIG.canary} (canary: 10 % for 5 minutes, then all)`,
      '  geo restriction   none (CloudFront serves every country)',
      '  concurrency       the account pool (no reserved concurrency)',
      '  handler           the built-in items API',
    ].join('\n'),
  );
  if (await askConfirm({ message: 'Keep these defaults?', default: true })) return;

  answers.stackName = await askText({
    message: 'Stack name',
    default: stackName,
    validate: (v) => fieldProblem('stackName', v),
  });
  answers.releaseStrategy = await askChoice<ReleaseConfig>({
    message: 'Release strategy',
    choices: RELEASE_CONFIGS,
    default: DEFAULT_RELEASE_CONFIG.canary,
  });
  const geo = await askText({
    message: 'Countries to serve (ISO codes, comma separated; empty for all)',
    validate: (v) => v.trim() === '' || problemOf(() => parseGeoAllowList(v, 'countries')),
  });
  if (geo.trim()) answers.geoAllowList = parseGeoAllowList(geo);
  const concurrency = await askText({
    message: 'Reserved concurrency (empty for none)',
    validate: (v) => v.trim() === '' || fieldProblem('reservedConcurrency', Number(v.trim())),
  });
  if (concurrency.trim()) answers.reservedConcurrency = Number(concurrency.trim());
  const handler = await askText({
    message: 'Handler entry (empty for the built-in items API)',
    validate: (v) => v.trim() === '' || (handlerProblem(v.trim()) ?? true),
  });
  if (handler.trim()) answers.handler = checkHandler(handler.trim(), 'handler');
}

function problemOf(check: () => unknown): true | string {
  try {
    check();
    return true;
  } catch (error) {
    return (error as Error).message;
  }
}
