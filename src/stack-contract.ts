/**
 * The stack's contract: every name the synthesized stack produces and the rest of the CLI consumes (deploy,
 * release, auth, dev, status). Both sides import it from here, so a rename is one edit and a type error
 * everywhere it matters. No CDK or SDK import: commands that never synthesize load it for free.
 * (What the stack and the Lambda handler agree on is src/runtime/contract.ts.)
 */

/** The stack's outputs, by what they are for. */
export const OUTPUTS = {
  apiUrl: 'ApiUrl',
  cloudFrontUrl: 'CloudFrontUrl',
  distributionId: 'DistributionId',
  tableName: 'TableName',
  bucketName: 'BucketName',
  logsBucketName: 'LogsBucketName',
  topicArn: 'TopicArn',
  functionName: 'FunctionName',
  aliasName: 'AliasName',
  aliasArn: 'AliasArn',
  /** The version the last deploy published (the alias may still serve an older one). */
  newVersion: 'NewVersion',
  codeDeployApplication: 'CodeDeployApplication',
  codeDeployDeploymentGroup: 'CodeDeployDeploymentGroup',
  /** The function's CloudWatch Logs group (`logs`). */
  logGroupName: 'LogGroupName',
  /** The release's smoke-test hook function (the AppSpec's BeforeAllowTraffic/AfterAllowTraffic) and its logs. */
  smokeHookFunctionName: 'SmokeHookFunctionName',
  smokeHookLogGroupName: 'SmokeHookLogGroupName',
  /** Present unless the environment has `auth: none`. */
  userPoolId: 'UserPoolId',
  userPoolClientId: 'UserPoolClientId',
} as const;

export type OutputName = keyof typeof OUTPUTS;
export type OutputKey = (typeof OUTPUTS)[OutputName];

/** A deployed stack's outputs by key, as CloudFormation returns them (any key may be missing). */
export type StackOutputs = Record<string, string>;

/** The alias API Gateway invokes and `shift` moves. */
export const LIVE_ALIAS = 'live';

/** The stack's parameters that `deploy` fills. */
export const PARAMETERS = {
  /** The version the alias `live` serves now; empty on the first deploy, where the new version is served. */
  liveAliasVersion: 'LiveAliasVersion',
} as const;

/** Tags on the stack and every taggable resource in it (plus Environment). */
export const STACK_TAGS = { Project: 'ServerlessInfra', Owner: 'DevTeam' } as const;

/** The environment's data bucket: `cf-serverless-<resource id>` (the id is generated once, at init). */
export function dataBucketName(resourceId: string): string {
  return `cf-serverless-${resourceId}`;
}

/** The environment's logs bucket (server access logs and CloudFront's standard logs). */
export function logsBucketName(resourceId: string): string {
  return `cf-serverless-logs-${resourceId}`;
}

/**
 * CloudFormation's limit on a template sent inline (TemplateBody, 51,200 bytes: CreateChangeSet API reference);
 * larger ones go by TemplateURL from the staging bucket. synth reports against it, deploy and diff decide by it.
 */
export const TEMPLATE_BODY_LIMIT = 51_200;

/** Whether a template body may go inline: its UTF-8 bytes, not its characters (a tag in 界 is 3 bytes a letter). */
export function fitsInline(body: string): boolean {
  return Buffer.byteLength(body, 'utf8') <= TEMPLATE_BODY_LIMIT;
}

/** The toolkit stack: one per account and region, holding the staging bucket (no `cdk bootstrap`). */
export const TOOLKIT_STACK_NAME = 'ServerlessInfraToolkit';

/** The staging bucket for Lambda code and large templates, per account and region. */
export function stagingBucketName(account: string, region: string): string {
  return `serverless-infra-assets-${account}-${region}`;
}

/** The same name as CloudFormation placeholders, for the synthesizer's asset manifest and the toolkit template. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation placeholders, not a JS template
export const STAGING_BUCKET_PLACEHOLDER = 'serverless-infra-assets-${AWS::AccountId}-${AWS::Region}';
