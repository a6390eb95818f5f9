import { newResourceId } from './resource-id.js';
import {
  DEFAULT_RELEASE_CONFIG,
  defaultStackName,
  type EnvironmentConfig,
  type EnvironmentName,
  type ProjectConfig,
  SCHEMA_VERSION,
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
  // Security (docs/security.md): unset keeps what the file has.
  auth?: EnvironmentConfig['auth'];
  waf?: EnvironmentConfig['waf'];
  customDomain?: EnvironmentConfig['customDomain'];
  // Scale (docs/scale.md): either number alone keeps the other as the file has it.
  throttling?: EnvironmentConfig['throttling'];
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
  /** Values of an existing environment that the answers change: these need confirmation or --force. */
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
  'auth',
  'waf',
  'customDomain',
  'throttling',
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
