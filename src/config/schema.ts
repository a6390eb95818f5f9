import { z } from 'zod';
import { countryName } from './countries.js';
import { AWS_REGIONS } from './regions.js';

/** Bumped when the file's shape changes incompatibly; older versions are migrated on load. */
export const SCHEMA_VERSION = 1;

export const ENVIRONMENT_NAMES = ['Production', 'Staging', 'Development'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** CodeDeploy's predefined Lambda deployment configurations (stored without the `CodeDeployDefault.` prefix). */
export const RELEASE_CONFIGS = [
  'LambdaCanary10Percent5Minutes',
  'LambdaCanary10Percent10Minutes',
  'LambdaCanary10Percent15Minutes',
  'LambdaCanary10Percent30Minutes',
  'LambdaLinear10PercentEvery1Minute',
  'LambdaLinear10PercentEvery2Minutes',
  'LambdaLinear10PercentEvery3Minutes',
  'LambdaLinear10PercentEvery10Minutes',
  'LambdaAllAtOnce',
] as const;
export type ReleaseConfig = (typeof RELEASE_CONFIGS)[number];
export type ReleaseStrategy = 'canary' | 'linear' | 'all-at-once';

/** The configuration each `--strategy canary|linear|all-at-once` shorthand stands for. */
export const DEFAULT_RELEASE_CONFIG: Record<ReleaseStrategy, ReleaseConfig> = {
  canary: 'LambdaCanary10Percent5Minutes',
  linear: 'LambdaLinear10PercentEvery1Minute',
  'all-at-once': 'LambdaAllAtOnce',
};

export function strategyOf(config: ReleaseConfig): ReleaseStrategy {
  if (config.startsWith('LambdaCanary')) return 'canary';
  if (config.startsWith('LambdaLinear')) return 'linear';
  return 'all-at-once';
}

/** 8 lowercase letters/digits: valid inside an S3 bucket name (`cf-serverless-<id>`). */
export const RESOURCE_ID_PATTERN = /^[a-z0-9]{8}$/;
/** CloudFormation stack names: a letter, then letters, digits and hyphens, 128 at most. */
export const STACK_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const COUNTRY_CODE_PATTERN = /^[A-Z]{2}$/;

/** Who may write (POST/PUT/PATCH/DELETE): Cognito users (default), or anyone (`none`, never in Production). */
export const AUTH_MODES = ['cognito', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
/** CloudFront takes certificates from ACM in us-east-1 only. */
export const CLOUDFRONT_CERTIFICATE_ARN_PATTERN =
  /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
export const DOMAIN_NAME_PATTERN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

/** A custom domain for CloudFront: the name and its ACM certificate (in us-east-1, the only region CloudFront reads). */
export const customDomainSchema = z
  .object({
    domainName: z
      .string()
      .regex(DOMAIN_NAME_PATTERN, 'expected a lowercase domain name such as api.example.com'),
    certificateArn: z
      .string()
      .regex(
        CLOUDFRONT_CERTIFICATE_ARN_PATTERN,
        'expected the ARN of an ACM certificate in us-east-1 (CloudFront uses certificates from us-east-1 only)',
      ),
  })
  .strict();

/**
 * API Gateway stage throttling (docs/scale.md). Bounds: at least 1 (0 would refuse every request), at most
 * 1,000,000: far above the default account quota (10,000 requests per second, burst 5,000 per region),
 * which caps the stage whatever it says and can be raised through Service Quotas.
 */
export const THROTTLING_BOUNDS = { min: 1, max: 1_000_000 } as const;
const throttlingValue = (what: string) =>
  z
    .number({ error: `expected a whole number of ${what}` })
    .int(`expected a whole number of ${what}`)
    .min(THROTTLING_BOUNDS.min, `expected at least ${THROTTLING_BOUNDS.min} (0 would refuse every request)`)
    .max(THROTTLING_BOUNDS.max, `expected at most ${THROTTLING_BOUNDS.max.toLocaleString('en-US')}`);

export const throttlingSchema = z
  .object({
    /** Steady-state requests per second for the whole stage (default 100). */
    rateLimit: throttlingValue('requests per second').optional(),
    /** Requests the stage may take at once above the rate (token bucket size, default 200). */
    burstLimit: throttlingValue('requests').optional(),
  })
  .strict();

/**
 * A tag's rules where CloudFormation applies it (stack tags, which it propagates, and each resource's Tags):
 * key 1-128 characters, value 0-256, letters, digits, spaces and `_ . : / = + - @`, no `aws:` prefix
 * (AWS::CloudFormation resource tag reference, "Tag"; Tagging AWS resources, "Tag naming limits").
 */
export const TAG_KEY_PATTERN = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/iu;
export const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
/** A stack takes at most 50 tags (CreateChangeSet, Tags: "Maximum number of 50 items"); ours use 3. */
export const MAX_USER_TAGS = 47;
/** Keys the CLI sets itself on the stack (STACK_TAGS and Environment): not the user's to change. */
export const RESERVED_TAG_KEYS = ['Project', 'Owner', 'Environment'] as const;

export const tagsSchema = z.record(z.string(), z.string()).superRefine((tags, ctx) => {
  const keys = Object.keys(tags);
  if (keys.length > MAX_USER_TAGS)
    ctx.addIssue({ code: 'custom', message: `expected at most ${MAX_USER_TAGS} tags` });
  for (const key of keys) {
    const problem = !TAG_KEY_PATTERN.test(key)
      ? `${JSON.stringify(key)}: expected a tag key of 1-128 letters, digits, spaces or _ . : / = + - @, not starting with aws:`
      : (RESERVED_TAG_KEYS as readonly string[]).includes(key)
        ? `${key} is set by serverless-infra itself (${RESERVED_TAG_KEYS.join(', ')})`
        : !TAG_VALUE_PATTERN.test(tags[key] as string)
          ? `${key}: expected a tag value of 0-256 letters, digits, spaces or _ . : / = + - @`
          : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key] });
  }
});

export const environmentSchema = z
  .object({
    email: z.string().regex(EMAIL_PATTERN, 'expected an e-mail address such as ops@example.com'),
    region: z.enum(AWS_REGIONS, { error: 'expected an AWS region such as eu-west-1' }),
    stackName: z
      .string()
      .regex(STACK_NAME_PATTERN, 'expected a CloudFormation stack name: a letter, then letters, digits or -'),
    resourceId: z
      .string()
      .regex(RESOURCE_ID_PATTERN, 'expected 8 lowercase letters or digits (it names the S3 buckets)'),
    releaseStrategy: z.enum(RELEASE_CONFIGS, {
      error: `expected one of CodeDeploy's predefined Lambda configurations: ${RELEASE_CONFIGS.join(', ')}`,
    }),
    geoAllowList: z
      .array(
        z
          .string()
          .regex(COUNTRY_CODE_PATTERN, 'expected an ISO 3166-1 alpha-2 country code such as DE')
          .refine((code) => countryName(code) !== undefined, {
            error: (issue) =>
              `${issue.input} is not an assigned ISO 3166-1 alpha-2 country code (e.g. DE, FR, US)`,
          }),
      )
      .min(1)
      .optional(),
    reservedConcurrency: z.number().int().min(1).max(10_000).optional(),
    handler: z.string().min(1).optional(),
    /** A module exporting `smoke({ invoke })`, bundled into the release hook (docs/release.md). */
    smokeTest: z.string().min(1).optional(),
    // Security (docs/security.md). All optional: files written before these fields stay valid.
    auth: z
      .enum(AUTH_MODES, { error: `expected one of ${AUTH_MODES.join(', ')} (default cognito)` })
      .optional(),
    waf: z
      .object({
        /** Default: on in Production, off elsewhere. */
        enabled: z.boolean().optional(),
        /** Requests per client IP in any 5-minute window before WAF blocks it (default 1000). */
        rateLimit: z.number().int().min(10).max(2_000_000_000).optional(),
      })
      .strict()
      .optional(),
    // Scale (docs/scale.md). Optional: files written before these fields stay valid.
    throttling: throttlingSchema.optional(),
    /** Which generation of the origin secret CloudFront sends (docs/security.md): raise it by one to rotate. */
    originSecret: z
      .object({ generation: z.number().int().min(1, 'expected 1 or more').max(1_000_000).optional() })
      .strict()
      .optional(),
    customDomain: customDomainSchema.optional(),
    /** The user's own tags, on the stack and every taggable resource in it (beside Project, Owner, Environment). */
    tags: tagsSchema.optional(),
  })
  .strict();

export type EnvironmentConfig = z.infer<typeof environmentSchema>;

/**
 * The one rule on who may write in Production: Cognito users only (`auth: none` is for the other
 * environments). The schema, init and the stack all call this.
 */
export function productionAuthProblem(
  environment: EnvironmentName,
  auth: AuthMode | undefined,
): string | undefined {
  return environment === 'Production' && auth === 'none'
    ? 'Production must authorize writes: "auth": "none" is allowed in Staging and Development only'
    : undefined;
}

export const projectSchema = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION, { error: `expected ${SCHEMA_VERSION}` }),
    environments: z
      .partialRecord(z.enum(ENVIRONMENT_NAMES), environmentSchema)
      .refine((envs) => Object.keys(envs).length > 0, 'expected at least one environment')
      .superRefine((envs, ctx) => {
        const problem = productionAuthProblem('Production', envs.Production?.auth);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['Production', 'auth'] });
      }),
  })
  .strict();

export type ProjectConfig = z.infer<typeof projectSchema>;

/** One environment of the project file, with its name: what every command after `init` works on. */
export interface ResolvedEnvironment extends EnvironmentConfig {
  name: EnvironmentName;
}

export function defaultStackName(environment: EnvironmentName): string {
  return `ServerlessInfra-${environment}`;
}
