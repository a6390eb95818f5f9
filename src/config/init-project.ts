import { existsSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { UsageError } from '../errors.js';
import { parseEnvironmentName } from './project-file.js';
import { newResourceId } from './resource-id.js';
import {
  AUTH_MODES,
  type AuthMode,
  customDomainSchema,
  DEFAULT_RELEASE_CONFIG,
  defaultStackName,
  ENVIRONMENT_NAMES,
  type EnvironmentConfig,
  type EnvironmentName,
  environmentSchema,
  type ProjectConfig,
  productionAuthProblem,
  RELEASE_CONFIGS,
  type ReleaseConfig,
  SCHEMA_VERSION,
  throttlingSchema,
} from './schema.js';

/** What `init` was told, by flags, environment variables or prompts. Unset optional fields keep their value. */
export interface InitAnswers {
  environment: EnvironmentName;
  email: string;
  region: EnvironmentConfig['region'];
  stackName?: string | undefined;
  releaseStrategy?: EnvironmentConfig['releaseStrategy'] | undefined;
  geoAllowList?: string[] | undefined;
  reservedConcurrency?: number | undefined;
  handler?: string | undefined;
  /** A smoke test module run by the release hook before traffic moves (docs/release.md). */
  smokeTest?: string | undefined;
  // Security (docs/security.md): unset keeps what the file has.
  auth?: EnvironmentConfig['auth'];
  waf?: EnvironmentConfig['waf'];
  customDomain?: EnvironmentConfig['customDomain'];
  // Scale (docs/scale.md): either number alone keeps the other as the file has it.
  throttling?: EnvironmentConfig['throttling'];
  /** Added to (or replacing by key) the tags the file has. */
  tags?: EnvironmentConfig['tags'];
}

export interface FieldChange {
  field: keyof EnvironmentConfig;
  from: unknown;
  to: unknown;
}

export interface InitPlan {
  project: ProjectConfig;
  environment: EnvironmentName;
  /** The environment is new to the file (or the file itself is). */
  created: boolean;
  /** Values of an existing environment that the answers change: these need confirmation or --yes. */
  changes: FieldChange[];
}

const CHANGEABLE: Array<keyof InitAnswers & keyof EnvironmentConfig> = [
  'email',
  'region',
  'stackName',
  'releaseStrategy',
  'geoAllowList',
  'reservedConcurrency',
  'handler',
  'smokeTest',
  'auth',
  'waf',
  'customDomain',
  'throttling',
  'tags',
];

/**
 * Computes the project file `init` would write. The resource id of an environment already in the file is
 * kept whatever the answers say: it names the buckets, and a new one would orphan their data.
 */
export function planInit(existing: ProjectConfig | undefined, answers: InitAnswers): InitPlan {
  const previous = existing?.environments[answers.environment];
  const next: EnvironmentConfig = {
    email: answers.email,
    region: answers.region,
    stackName: answers.stackName ?? previous?.stackName ?? defaultStackName(answers.environment),
    resourceId: previous?.resourceId ?? newResourceId(),
    releaseStrategy: answers.releaseStrategy ?? previous?.releaseStrategy ?? DEFAULT_RELEASE_CONFIG.canary,
  };
  const geoAllowList = answers.geoAllowList ?? previous?.geoAllowList;
  if (geoAllowList?.length) next.geoAllowList = geoAllowList;
  const reservedConcurrency = answers.reservedConcurrency ?? previous?.reservedConcurrency;
  if (reservedConcurrency !== undefined) next.reservedConcurrency = reservedConcurrency;
  const handler = answers.handler ?? previous?.handler;
  if (handler !== undefined) next.handler = handler;
  const smokeTest = answers.smokeTest ?? previous?.smokeTest;
  if (smokeTest !== undefined) next.smokeTest = smokeTest;
  // Carried over, never dropped: re-running init must not silently reopen writes or lose the domain.
  const auth = answers.auth ?? previous?.auth;
  if (auth !== undefined) next.auth = auth;
  const waf = answers.waf ? { ...previous?.waf, ...answers.waf } : previous?.waf;
  if (waf !== undefined) next.waf = waf;
  const customDomain = answers.customDomain ?? previous?.customDomain;
  if (customDomain !== undefined) next.customDomain = customDomain;
  const throttling = answers.throttling
    ? { ...previous?.throttling, ...answers.throttling }
    : previous?.throttling;
  if (throttling !== undefined) next.throttling = throttling;
  const tags = answers.tags ? { ...previous?.tags, ...answers.tags } : previous?.tags;
  if (tags !== undefined) next.tags = tags;
  // Not set by init: kept as the file has it (raised by hand to rotate the origin secret).
  if (previous?.originSecret !== undefined) next.originSecret = previous.originSecret;

  const changes: FieldChange[] = previous
    ? CHANGEABLE.filter((field) => JSON.stringify(previous[field]) !== JSON.stringify(next[field])).map(
        (field) => ({ field, from: previous[field], to: next[field] }),
      )
    : [];

  return {
    project: {
      schemaVersion: SCHEMA_VERSION,
      environments: { ...existing?.environments, [answers.environment]: next },
    },
    environment: answers.environment,
    created: !previous,
    changes,
  };
}

/** What `init`'s flags (and their variables) say; each is checked by the project file's own schema. */
export interface InitFlags {
  environment?: string | undefined;
  email?: string | undefined;
  region?: string | undefined;
  'stack-name'?: string | undefined;
  'release-strategy'?: string | undefined;
  'geo-allow'?: string | undefined;
  'reserved-concurrency'?: number | undefined;
  handler?: string | undefined;
  'smoke-test'?: string | undefined;
  auth?: string | undefined;
  waf?: boolean | undefined;
  'waf-rate-limit'?: number | undefined;
  domain?: string | undefined;
  'certificate-arn'?: string | undefined;
  'throttle-rate'?: number | undefined;
  'throttle-burst'?: number | undefined;
  /** From the command line a list (split at commas); from SERVERLESS_INFRA_TAGS oclif passes the string. */
  tag?: string[] | string | undefined;
}

/** The answers given by flags: every value checked as the project file checks it; required ones may be missing. */
export type GivenAnswers = Partial<InitAnswers>;

/**
 * A value checked by (part of) the project file's schema — one set of rules for the file, the flags and the
 * prompts: the value, or a UsageError naming the flag and the rule.
 */
function checkValue<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${flag}: ${JSON.stringify(value)}: ${issue?.message ?? 'not valid'}.`,
      `Pass ${flag} with a valid value.`,
    );
  }
  return parsed.data;
}

/** One field of an environment, checked by the schema (see checkValue). */
export function checkField<K extends keyof EnvironmentConfig>(
  field: K,
  value: unknown,
  flag: string,
): NonNullable<EnvironmentConfig[K]> {
  return checkValue(environmentSchema.shape[field] as z.ZodType, value, flag) as NonNullable<
    EnvironmentConfig[K]
  >;
}

/** The same check, as a prompt's validate function: true, or the message to show under the question. */
export function fieldProblem<K extends keyof EnvironmentConfig>(field: K, value: unknown): true | string {
  const parsed = environmentSchema.shape[field].safeParse(value);
  return parsed.success || (parsed.error.issues[0]?.message ?? 'not valid');
}

export function parseEnvironment(value: string): EnvironmentName {
  const name = parseEnvironmentName(value);
  if (!name)
    throw new UsageError(`Unknown environment "${value}".`, `Use one of ${ENVIRONMENT_NAMES.join(', ')}.`);
  return name;
}

/** `canary`, `linear`, `all-at-once` or a CodeDeploy Lambda config name (with or without its prefix). */
export function parseReleaseStrategy(value: string): ReleaseConfig {
  const shorthand = DEFAULT_RELEASE_CONFIG[value as keyof typeof DEFAULT_RELEASE_CONFIG];
  if (shorthand) return shorthand;
  const name = value.replace(/^CodeDeployDefault\./, '');
  const match = RELEASE_CONFIGS.find((c) => c.toLowerCase() === name.toLowerCase());
  if (!match) {
    throw new UsageError(
      `Unknown release strategy "${value}".`,
      `Use canary, linear, all-at-once or one of ${RELEASE_CONFIGS.join(', ')}.`,
    );
  }
  return match;
}

/** "de, fr,US" -> ["DE", "FR", "US"], each an assigned ISO 3166-1 alpha-2 code (the schema's rule). */
export function parseGeoAllowList(value: string, flag = '--geo-allow'): string[] {
  const codes = [...new Set(value.split(',').map((c) => c.trim().toUpperCase()))].filter(Boolean);
  return checkField('geoAllowList', codes, flag);
}

export function answersFromFlags(flags: InitFlags): GivenAnswers {
  const environment = flags.environment === undefined ? undefined : parseEnvironment(flags.environment);
  const answers: GivenAnswers = {
    environment,
    email: flags.email === undefined ? undefined : checkField('email', flags.email.trim(), '--email'),
    region: flags.region === undefined ? undefined : checkField('region', flags.region, '--region'),
    stackName:
      flags['stack-name'] === undefined
        ? undefined
        : checkField('stackName', flags['stack-name'], '--stack-name'),
    releaseStrategy:
      flags['release-strategy'] === undefined ? undefined : parseReleaseStrategy(flags['release-strategy']),
    geoAllowList: flags['geo-allow'] === undefined ? undefined : parseGeoAllowList(flags['geo-allow']),
    reservedConcurrency:
      flags['reserved-concurrency'] === undefined
        ? undefined
        : checkField('reservedConcurrency', flags['reserved-concurrency'], '--reserved-concurrency'),
    handler: flags.handler === undefined ? undefined : checkHandler(flags.handler, '--handler'),
    smokeTest:
      flags['smoke-test'] === undefined ? undefined : checkSmokeTest(flags['smoke-test'], '--smoke-test'),
  };
  if (flags.auth !== undefined) {
    const auth = flags.auth as AuthMode;
    if (!AUTH_MODES.includes(auth)) throw new UsageError(`--auth: expected one of ${AUTH_MODES.join(', ')}.`);
    const problem = environment && productionAuthProblem(environment, auth);
    if (problem)
      throw new UsageError(`--auth none: ${problem}.`, 'Leave --auth out (cognito) for Production.');
    answers.auth = auth;
  }
  if (flags.waf !== undefined || flags['waf-rate-limit'] !== undefined) {
    answers.waf = checkField(
      'waf',
      {
        ...(flags.waf === undefined ? {} : { enabled: flags.waf }),
        ...(flags['waf-rate-limit'] === undefined ? {} : { rateLimit: flags['waf-rate-limit'] }),
      },
      '--waf-rate-limit',
    );
  }
  const { 'throttle-rate': rateLimit, 'throttle-burst': burstLimit } = flags;
  if (rateLimit !== undefined || burstLimit !== undefined) {
    const { shape } = throttlingSchema;
    answers.throttling = {
      ...(rateLimit === undefined
        ? {}
        : { rateLimit: checkValue(shape.rateLimit, rateLimit, '--throttle-rate') }),
      ...(burstLimit === undefined
        ? {}
        : { burstLimit: checkValue(shape.burstLimit, burstLimit, '--throttle-burst') }),
    };
  }
  if (flags.tag !== undefined)
    answers.tags = parseTags(typeof flags.tag === 'string' ? flags.tag.split(',') : flags.tag);
  if (flags.domain !== undefined && flags['certificate-arn'] !== undefined) {
    answers.customDomain = {
      domainName: checkValue(
        customDomainSchema.shape.domainName,
        flags.domain.trim().toLowerCase(),
        '--domain',
      ),
      certificateArn: checkValue(
        customDomainSchema.shape.certificateArn,
        flags['certificate-arn'],
        '--certificate-arn',
      ),
    };
  }
  return answers;
}

/** ["RunId=abc", "team=api"] -> { RunId: "abc", team: "api" }, checked by the schema's tag rules. */
export function parseTags(values: string[], flag = '--tag'): NonNullable<EnvironmentConfig['tags']> {
  const tags: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0)
      throw new UsageError(
        `${flag}: ${JSON.stringify(value)}: expected KEY=VALUE.`,
        `Pass ${flag} KEY=VALUE.`,
      );
    tags[value.slice(0, at).trim()] = value.slice(at + 1).trim();
  }
  return checkField('tags', tags, flag);
}

const HANDLER_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** What is wrong with a handler entry path (undefined: nothing), relative to the current directory. */
export function handlerProblem(value: string): string | undefined {
  if (!HANDLER_EXTENSIONS.includes(path.extname(value))) {
    return `"${value}" is not a ${HANDLER_EXTENSIONS.join('/')} file that exports \`handler\``;
  }
  if (!existsSync(path.resolve(value))) return `${path.resolve(value)} does not exist`;
  return undefined;
}

/** A smoke test module as the project file keeps it (relative, forward slashes): it must exist. */
export function checkSmokeTest(value: string, flag: string): string {
  const problem = !HANDLER_EXTENSIONS.includes(path.extname(value))
    ? `"${value}" is not a ${HANDLER_EXTENSIONS.join('/')} file that exports \`smoke\``
    : !existsSync(path.resolve(value))
      ? `${path.resolve(value)} does not exist`
      : undefined;
  if (problem)
    throw new UsageError(
      `${flag}: ${problem}.`,
      `Pass ${flag} with a module that exports \`async function smoke({ invoke })\` (docs/release.md).`,
    );
  return path.relative(process.cwd(), path.resolve(value)).split(path.sep).join('/');
}

/** A handler entry as the project file keeps it: relative to the project, with forward slashes. */
export function checkHandler(value: string, flag: string): string {
  const problem = handlerProblem(value);
  if (problem)
    throw new UsageError(
      `${flag}: ${problem}.`,
      `Pass ${flag} with the entry file that exports \`handler\`.`,
    );
  return path.relative(process.cwd(), path.resolve(value)).split(path.sep).join('/');
}
