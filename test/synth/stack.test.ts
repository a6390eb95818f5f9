// One test per stack requirement of issue 3, named after it.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_ROUTES, CORS, RUNTIME_ENV, TABLE_KEYS } from '../../src/runtime/contract.js';
import {
  DEVELOPMENT,
  only,
  PRODUCTION,
  resourcesOf,
  synthesized,
  type TemplateJson,
} from './synth-fixtures.js';

const ref = (json: TemplateJson, type: string) => ({ Ref: only(json, type)[0] });
const getAtt = (json: TemplateJson, type: string, attr: string) => ({
  'Fn::GetAtt': [only(json, type)[0], attr],
});
/** The items API's function (the stack also holds the release's smoke-test hook function). */
function handlerFunction(json: TemplateJson) {
  const found = resourcesOf(json, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('ComputeFunction'));
  if (found.length !== 1) throw new Error(`expected one ComputeFunction, found ${found.length}`);
  return found[0]!;
}
const bucketId = (json: TemplateJson, name: string) =>
  resourcesOf(json, 'AWS::S3::Bucket').find(([, r]) => r.Properties?.BucketName === name)![0];

describe('Storage', () => {
  it('storage bucket cf-serverless-<id>: customer key, versioned, public access blocked, SSL enforced, lifecycle, access logs to the logs bucket', () => {
    const { template, json } = synthesized(PRODUCTION);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'cf-serverless-prod1234',
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: getAtt(json, 'AWS::KMS::Key', 'Arn'),
            },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            NoncurrentVersionExpiration: { NoncurrentDays: Match.anyValue() },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: Match.anyValue() },
          }),
        ]),
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: bucketId(json, 'cf-serverless-logs-prod1234') } },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const storage = bucketId(json, 'cf-serverless-prod1234');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: storage },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('logs bucket cf-serverless-logs-<id>: SSE, public access blocked, SSL enforced, 90-day expiry, ownership CloudFront logging needs', () => {
    const { template, json } = synthesized(PRODUCTION);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'cf-serverless-logs-prod1234',
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90 })]) },
      // CloudFront standard logging writes with ACLs: BucketOwnerEnforced would disable them.
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId(json, 'cf-serverless-logs-prod1234') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('Data', () => {
  it('table: PAY_PER_REQUEST, point-in-time recovery (non-deprecated property), encryption, status GSI newest-first', () => {
    const { template } = synthesized(PRODUCTION);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: TABLE_KEYS.statusIndex.name,
          KeySchema: [
            { AttributeName: TABLE_KEYS.statusIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_KEYS.statusIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });
});

describe('Notifications', () => {
  it('topic encrypted with the customer key, e-mail subscription from the project file', () => {
    const { template, json } = synthesized(PRODUCTION);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: getAtt(json, 'AWS::KMS::Key', 'Arn'),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: ref(json, 'AWS::SNS::Topic'),
    });
  });
});

describe('Compute', () => {
  it('function: NODEJS_24_X, 30 s, environment encrypted with the customer key, X-Ray, own log group kept 90 days, no layer', () => {
    const { template, json } = synthesized(PRODUCTION);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Timeout: 30,
      Handler: 'index.handler',
      KmsKeyArn: getAtt(json, 'AWS::KMS::Key', 'Arn'),
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: Match.anyValue() },
      Layers: Match.absent(),
      Environment: {
        Variables: {
          [RUNTIME_ENV.tableName]: ref(json, 'AWS::DynamoDB::Table'),
          [RUNTIME_ENV.statusIndex]: TABLE_KEYS.statusIndex.name,
          [RUNTIME_ENV.bucketName]: { Ref: bucketId(json, 'cf-serverless-prod1234') },
          [RUNTIME_ENV.topicArn]: ref(json, 'AWS::SNS::Topic'),
          [RUNTIME_ENV.environment]: 'Production',
          [RUNTIME_ENV.corsAllowOrigin]: CORS.allowOrigin,
        },
      },
    });
    const fn = handlerFunction(json)[1];
    const logGroupId = (fn.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(json.Resources[logGroupId]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 90 },
    });
  });

  it('code comes from the asset in the staging bucket', () => {
    const { template } = synthesized(PRODUCTION);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Code: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
        S3Bucket: { 'Fn::Sub': 'serverless-infra-assets-${AWS::AccountId}-eu-west-1' },
        S3Key: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$'),
      },
    });
  });

  it('reserved concurrency only when configured', () => {
    const production = handlerFunction(synthesized(PRODUCTION).json)[1];
    const development = handlerFunction(synthesized(DEVELOPMENT).json)[1];
    expect(production.Properties).not.toHaveProperty('ReservedConcurrentExecutions');
    expect(development.Properties).toHaveProperty('ReservedConcurrentExecutions', 5);
  });
});

describe('API', () => {
  it('REST API, regional, with CORS preflight and list/get/create/update/delete methods on the alias live', () => {
    const { template, json } = synthesized(PRODUCTION);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    const alias = only(json, 'AWS::Lambda::Alias')[0];
    const methods = resourcesOf(json, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties!);
    const proxied = methods.filter((m) => m.HttpMethod !== 'OPTIONS');
    const expected = API_ROUTES.flatMap((r) => r.methods).sort();
    expect(proxied.map((m) => m.HttpMethod).sort()).toEqual(expected);
    for (const method of proxied) {
      expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(JSON.stringify(method.Integration)).toContain(`{"Ref":"${alias}"}`);
    }
    const preflight = methods.filter((m) => m.HttpMethod === 'OPTIONS');
    expect(preflight.length).toBeGreaterThan(0);
    for (const method of preflight) {
      expect(JSON.stringify(method.Integration)).toContain('Access-Control-Allow-Methods');
    }
    // Every invoke permission targets the alias, never the unqualified function.
    for (const [, permission] of resourcesOf(json, 'AWS::Lambda::Permission')) {
      expect(permission.Properties!.FunctionName).toEqual({ Ref: alias });
    }
  });

  it('stage: JSON access logs to a log group kept 90 days, throttling, execution logging without data trace', () => {
    const { template, json } = synthesized(PRODUCTION);
    const [, stage] = only(json, 'AWS::ApiGateway::Stage');
    const accessLog = stage.Properties!.AccessLogSetting as { DestinationArn: unknown; Format: string };
    expect(() => JSON.parse(accessLog.Format.replace(/\$context\.[\w.]+/g, 'x'))).not.toThrow();
    expect(accessLog.Format).toContain('$context.requestId');
    const logGroupId = JSON.stringify(accessLog.DestinationArn).match(/"Ref":"(\w+)"/)![1]!;
    expect(json.Resources[logGroupId]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 90 },
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          DataTraceEnabled: false,
          ThrottlingRateLimit: Match.anyValue(),
          ThrottlingBurstLimit: Match.anyValue(),
        }),
      ],
    });
    expect(JSON.stringify(json)).not.toContain('"DataTraceEnabled":true');
  });

  it('the account-level CloudWatch role that API Gateway logging needs is created, scoped, and the stage waits for it', () => {
    const { json } = synthesized(PRODUCTION);
    const [accountId, account] = only(json, 'AWS::ApiGateway::Account');
    const roleId = (account.Properties!.CloudWatchRoleArn as { 'Fn::GetAtt': [string, string] })[
      'Fn::GetAtt'
    ][0];
    const role = json.Resources[roleId]!;
    expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    expect(JSON.stringify(role.Properties!.AssumeRolePolicyDocument)).toContain('apigateway.amazonaws.com');
    expect(role.DeletionPolicy).toBe('Retain');
    const [, stage] = only(json, 'AWS::ApiGateway::Stage');
    expect([stage.DependsOn].flat()).toContain(accountId);
  });
});

describe('CDN', () => {
  it('CloudFront: HTTPS only, all methods forwarded, GET/HEAD cached, logs to the logs bucket', () => {
    const { template, json } = synthesized(PRODUCTION);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          CachedMethods: ['GET', 'HEAD'],
          CachePolicyId: ref(json, 'AWS::CloudFront::CachePolicy'),
        }),
        Logging: {
          Bucket: { 'Fn::GetAtt': [bucketId(json, 'cf-serverless-logs-prod1234'), 'RegionalDomainName'] },
          Prefix: Match.anyValue(),
        },
        Origins: [
          Match.objectLike({ CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }) }),
        ],
      }),
    });
    const config = only(json, 'AWS::CloudFront::Distribution')[1].Properties!.DistributionConfig as {
      DefaultCacheBehavior: { AllowedMethods: string[] };
    };
    expect([...config.DefaultCacheBehavior.AllowedMethods].sort()).toEqual([
      'DELETE',
      'GET',
      'HEAD',
      'OPTIONS',
      'PATCH',
      'POST',
      'PUT',
    ]);
  });

  it('cache policy keyed on the query string, honouring the origin Cache-Control', () => {
    const { template } = synthesized(PRODUCTION);
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        // Default and minimum TTL 0: only the origin's Cache-Control makes a response cacheable.
        DefaultTTL: 0,
        MinTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          QueryStringsConfig: { QueryStringBehavior: 'all' },
        }),
      }),
    });
  });

  it('origin request policy does not forward Host', () => {
    const { json } = synthesized(PRODUCTION);
    const [, distribution] = only(json, 'AWS::CloudFront::Distribution');
    const behavior = (
      distribution.Properties!.DistributionConfig as { DefaultCacheBehavior: Record<string, unknown> }
    ).DefaultCacheBehavior;
    // The AWS managed policy AllViewerExceptHostHeader.
    expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
    expect(resourcesOf(json, 'AWS::CloudFront::OriginRequestPolicy')).toEqual([]);
  });

  it('optional geo allow-list', () => {
    const restriction = (json: TemplateJson) =>
      (
        only(json, 'AWS::CloudFront::Distribution')[1].Properties!.DistributionConfig as Record<
          string,
          unknown
        >
      ).Restrictions;
    expect(restriction(synthesized(PRODUCTION).json)).toBeUndefined();
    expect(restriction(synthesized(DEVELOPMENT).json)).toEqual({
      GeoRestriction: { RestrictionType: 'whitelist', Locations: ['DE', 'FR'] },
    });
  });
});

describe('Release wiring', () => {
  it('versions are retained', () => {
    const { json } = synthesized(PRODUCTION);
    const [, version] = only(json, 'AWS::Lambda::Version');
    expect(version.DeletionPolicy).toBe('Retain');
    expect(version.UpdateReplacePolicy).toBe('Retain');
  });

  it('the alias live takes its version from the LiveAliasVersion parameter; empty -> the new version', () => {
    const { json } = synthesized(PRODUCTION);
    expect(json.Parameters?.LiveAliasVersion).toMatchObject({ Type: 'String', Default: '' });
    const [versionId] = only(json, 'AWS::Lambda::Version');
    const [, alias] = only(json, 'AWS::Lambda::Alias');
    expect(alias.Properties!.Name).toBe('live');
    const [, whenFirst, otherwise] = (
      alias.Properties!.FunctionVersion as { 'Fn::If': [string, unknown, unknown] }
    )['Fn::If'];
    const condition = (alias.Properties!.FunctionVersion as { 'Fn::If': [string] })['Fn::If'][0];
    expect(json.Conditions?.[condition]).toEqual({ 'Fn::Equals': [{ Ref: 'LiveAliasVersion' }, ''] });
    expect(whenFirst).toEqual({ 'Fn::GetAtt': [versionId, 'Version'] });
    expect(otherwise).toEqual({ Ref: 'LiveAliasVersion' });
  });

  it('no CodeDeployLambdaAliasUpdate update policy on the alias', () => {
    const { json } = synthesized(PRODUCTION);
    for (const [, resource] of Object.entries(json.Resources)) expect(resource.UpdatePolicy).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain('CodeDeployLambdaAliasUpdate');
  });

  it('CodeDeploy application and deployment group with the alarms (alias errors, API 5xx) and auto-rollback', () => {
    const { template, json } = synthesized(PRODUCTION);
    template.resourceCountIs('AWS::CodeDeploy::Application', 1);
    const alarms = resourcesOf(json, 'AWS::CloudWatch::Alarm');
    const errors = alarms.find(([, a]) => a.Properties!.MetricName === 'Errors');
    const fivexx = alarms.find(([, a]) => a.Properties!.MetricName === '5XXError');
    if (!errors || !fivexx) throw new Error('expected an Errors and a 5XXError alarm');
    expect(errors[1].Properties!.Namespace).toBe('AWS/Lambda');
    // Dimension Resource = function:live: the alias, not the whole function.
    expect(JSON.stringify(errors[1].Properties!.Dimensions)).toContain('"Name":"Resource"');
    expect(fivexx[1].Properties!.Namespace).toBe('AWS/ApiGateway');
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      ApplicationName: ref(json, 'AWS::CodeDeploy::Application'),
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
      AlarmConfiguration: {
        Enabled: true,
        Alarms: Match.arrayWith([{ Name: { Ref: errors![0] } }, { Name: { Ref: fivexx![0] } }]),
      },
      AutoRollbackConfiguration: { Enabled: true, Events: Match.anyValue() },
    });
    const [, group] = only(json, 'AWS::CodeDeploy::DeploymentGroup');
    const rollback = group.Properties!.AutoRollbackConfiguration as { Events: string[] };
    expect([...rollback.Events].sort()).toEqual([
      'DEPLOYMENT_FAILURE',
      'DEPLOYMENT_STOP_ON_ALARM',
      'DEPLOYMENT_STOP_ON_REQUEST',
    ]);
  });

  it('CodeDeploy service role with a scoped inline policy instead of the managed one', () => {
    const { json } = synthesized(PRODUCTION);
    const [, group] = only(json, 'AWS::CodeDeploy::DeploymentGroup');
    const roleId = (group.Properties!.ServiceRoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const role = json.Resources[roleId]!.Properties!;
    expect(role.ManagedPolicyArns).toBeUndefined();
    const policy = JSON.stringify(role.Policies);
    expect(policy).toContain('lambda:UpdateAlias');
    expect(policy).toContain(`{"Ref":"${only(json, 'AWS::Lambda::Alias')[0]}"}`);
  });

  it('outputs: the exact keys deploy and release read', () => {
    const { json } = synthesized(PRODUCTION);
    expect(Object.keys(json.Outputs).sort()).toEqual(
      [
        'ApiUrl',
        'CloudFrontUrl',
        'DistributionId',
        'TableName',
        'BucketName',
        'LogsBucketName',
        'TopicArn',
        'FunctionName',
        'AliasName',
        'AliasArn',
        'NewVersion',
        'CodeDeployApplication',
        'CodeDeployDeploymentGroup',
        'LogGroupName', // logs (issue 15)
        'SmokeHookFunctionName', // the release's smoke-test hook and its logs (issue 15)
        'SmokeHookLogGroupName',
        'UserPoolId', // user add / token (issue 8)
        'UserPoolClientId',
      ].sort(),
    );
    expect(json.Outputs.AliasName!.Value).toBe('live');
    expect(json.Outputs.NewVersion!.Value).toEqual({
      'Fn::GetAtt': [only(json, 'AWS::Lambda::Version')[0], 'Version'],
    });
    expect(JSON.stringify(json.Outputs.CloudFrontUrl!.Value)).toContain('https://');
    expect(json.Outputs.BucketName!.Value).toEqual({ Ref: bucketId(json, 'cf-serverless-prod1234') });
  });
});

describe('Security', () => {
  it('no AWS managed policies on our roles', () => {
    for (const env of [PRODUCTION, DEVELOPMENT]) {
      const { json } = synthesized(env);
      for (const [, role] of resourcesOf(json, 'AWS::IAM::Role')) {
        expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
      }
      expect(resourcesOf(json, 'AWS::IAM::ManagedPolicy')).toEqual([]);
    }
  });

  it('the Lambda role has exactly what the handler uses', () => {
    const { json } = synthesized(PRODUCTION);
    const [, fn] = handlerFunction(json);
    const roleId = (fn.Properties!.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const policies = resourcesOf(json, 'AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties!.Roles).includes(`"${roleId}"`),
    );
    expect(json.Resources[roleId]!.Properties!.Policies).toBeUndefined();
    const granted = policies.flatMap(([, p]) =>
      (
        p.Properties!.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }
      ).Statement.flatMap((s) =>
        [s.Action].flat().map((action) => ({ action, resources: JSON.stringify(s.Resource) })),
      ),
    );
    const table = only(json, 'AWS::DynamoDB::Table')[0];
    const key = only(json, 'AWS::KMS::Key')[0];
    const topic = only(json, 'AWS::SNS::Topic')[0];
    const bucket = bucketId(json, 'cf-serverless-prod1234');
    const actions = granted.map((g) => g.action).sort();
    expect(actions).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:DeleteObject',
        's3:PutObject',
        'sns:Publish',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    const on = (action: string) => granted.find((g) => g.action === action)!.resources;
    expect(on('dynamodb:Query')).toContain(`"${table}","Arn"`);
    expect(on('dynamodb:Query')).toContain(`/index/${TABLE_KEYS.statusIndex.name}`);
    expect(on('s3:PutObject')).toContain(`"${bucket}","Arn"`);
    expect(on('s3:PutObject')).toContain('/items/*');
    expect(on('sns:Publish')).toBe(`{"Ref":"${topic}"}`);
    expect(on('kms:GenerateDataKey')).toBe(`{"Fn::GetAtt":["${key}","Arn"]}`);
    expect(on('logs:PutLogEvents')).toMatch(/^\{"Fn::GetAtt":\["ComputeLogGroup\w+","Arn"\]\}$/);
  });
});

describe('Environment policies', () => {
  const stateful = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::KMS::Key'];

  it('Production: table, buckets and key RETAIN, table deletion protection, stack termination protection', () => {
    const { json, artifact } = synthesized(PRODUCTION);
    for (const type of stateful) {
      for (const [, resource] of resourcesOf(json, type)) {
        expect(resource.DeletionPolicy, type).toBe('Retain');
        expect(resource.UpdateReplacePolicy, type).toBe('Retain');
      }
    }
    expect(only(json, 'AWS::DynamoDB::Table')[1].Properties!.DeletionProtectionEnabled).toBe(true);
    expect(artifact.terminationProtection).toBe(true);
  });

  it('Development: DESTROY allowed, no deletion or termination protection', () => {
    const { json, artifact } = synthesized(DEVELOPMENT);
    for (const type of stateful) {
      for (const [, resource] of resourcesOf(json, type))
        expect(resource.DeletionPolicy, type).toBe('Delete');
    }
    expect(only(json, 'AWS::DynamoDB::Table')[1].Properties!.DeletionProtectionEnabled).toBe(false);
    expect(artifact.terminationProtection).toBeFalsy();
  });
});

describe('Tags', () => {
  it("Project, Owner, Environment and the user's own tags on every taggable resource and on the stack artifact", () => {
    // Types whose CloudFormation schema has no Tags property.
    const untaggable = new Set([
      'AWS::S3::BucketPolicy',
      'AWS::SNS::TopicPolicy',
      'AWS::SNS::Subscription',
      'AWS::IAM::Policy',
      'AWS::Lambda::Version',
      'AWS::Lambda::Alias',
      'AWS::Lambda::Permission',
      'AWS::ApiGateway::Deployment',
      'AWS::ApiGateway::Method',
      'AWS::ApiGateway::Resource',
      'AWS::ApiGateway::Account',
      'AWS::CloudFront::CachePolicy',
      // Auth and WAF (issue 8).
      'AWS::Cognito::UserPoolClient',
      'AWS::ApiGateway::Authorizer',
      'AWS::ApiGateway::GatewayResponse',
      'AWS::WAFv2::WebACLAssociation',
      // The origin lock (issue 14).
      'AWS::ApiGateway::UsagePlanKey',
    ]);
    // The user's tags (init --tag) go where ours go: the real-account suite finds what it left by its run tag.
    const tagged = { ...DEVELOPMENT, tags: { 'serverless-infra:test-run': 'run-1', team: 'api' } };
    for (const env of [PRODUCTION, DEVELOPMENT, tagged]) {
      const { json, artifact } = synthesized(env);
      const expected = { ...env.tags, Project: 'ServerlessInfra', Owner: 'DevTeam', Environment: env.name };
      expect(artifact.tags).toEqual(expected);
      for (const [id, resource] of Object.entries(json.Resources)) {
        if (untaggable.has(resource.Type)) continue;
        // A user pool's tags are the map UserPoolTags.
        const tags = resource.Properties?.Tags ?? resource.Properties?.UserPoolTags;
        const asRecord = Array.isArray(tags)
          ? Object.fromEntries((tags as Array<{ Key: string; Value: string }>).map((t) => [t.Key, t.Value]))
          : tags;
        expect(asRecord, `${id} (${resource.Type})`).toMatchObject(expected);
      }
    }
  });
});

describe('Synthesizer', () => {
  it("assets go to the CLI's staging bucket; no bootstrap version parameter or rule", () => {
    const { json, artifact } = synthesized(DEVELOPMENT);
    expect(Object.keys(json.Parameters ?? {})).toEqual(['LiveAliasVersion']);
    expect(json.Rules).toBeUndefined();
    expect(artifact.assumeRoleArn).toBeUndefined();
    expect(artifact.environment.region).toBe('us-east-1');
    expect(artifact.environment.account).toBe('unknown-account');
  });
});

describe('Smoke hook (issue 15)', () => {
  const statementsOf = (json: TemplateJson, roleId: string) =>
    resourcesOf(json, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties!.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(
        ([, p]) =>
          (p.Properties!.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> })
            .Statement,
      );

  it("its role may invoke only the handler's versions, report only to this deployment group, log only to its own group", () => {
    const { json } = synthesized(PRODUCTION);
    const [hookId, hook] = resourcesOf(json, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('SmokeHookFunction'),
    )!;
    const [handlerId] = handlerFunction(json);
    const group = only(json, 'AWS::CodeDeploy::DeploymentGroup')[0];
    const roleId = (hook.Properties!.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = statementsOf(json, roleId).map((s) => ({
      actions: [s.Action].flat(),
      resource: JSON.stringify(s.Resource),
    }));
    expect(statements.flatMap((s) => s.actions).sort()).toEqual(
      [
        'codedeploy:GetDeploymentTarget',
        'codedeploy:ListDeploymentTargets',
        'codedeploy:PutLifecycleEventHookExecutionStatus',
        'lambda:InvokeFunction',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ].sort(),
    );
    const on = (action: string) => statements.find((s) => s.actions.includes(action))!.resource;
    expect(on('lambda:InvokeFunction')).toBe(
      JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [handlerId, 'Arn'] }, ':*']] }),
    );
    expect(on('codedeploy:PutLifecycleEventHookExecutionStatus')).toContain(`{"Ref":"${group}"}`);
    expect(on('codedeploy:PutLifecycleEventHookExecutionStatus')).toContain(':deploymentgroup:');
    const logGroup = (hook.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(on('logs:PutLogEvents')).toBe(JSON.stringify({ 'Fn::GetAtt': [logGroup, 'Arn'] }));
    expect(hook.Properties!.Environment).toEqual({
      Variables: { TARGET_FUNCTION: { Ref: handlerId }, SMOKE_CHECKS: 'items-api' },
    });
    expect(json.Outputs.SmokeHookFunctionName!.Value).toEqual({ Ref: hookId });
    expect(json.Outputs.SmokeHookLogGroupName!.Value).toEqual({ Ref: logGroup });
  });

  it("CodeDeploy's service role may invoke the hook, and nothing else more", () => {
    const { json } = synthesized(PRODUCTION);
    const [hookId] = resourcesOf(json, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('SmokeHookFunction'),
    )!;
    const group = only(json, 'AWS::CodeDeploy::DeploymentGroup')[1];
    const serviceRole = (group.Properties!.ServiceRoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    expect(statementsOf(json, serviceRole)).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [hookId, 'Arn'] },
      }),
    ]);
  });
});

describe('Alarms (issue 15): what decides whether a shift rolls back', () => {
  // One minute, one datapoint, any error: a canary's 10 % must be enough to trip it within the bake time.
  const DECISION = {
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    // A minute without traffic (a quiet canary) is not a failure: no rollback for silence.
    TreatMissingData: 'notBreaching',
  };

  it.each([PRODUCTION, DEVELOPMENT])(
    '$name: the alias errors alarm — threshold, period, missing data, action',
    (env) => {
      const { template, json } = synthesized(env);
      const [fnId] = handlerFunction(json);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...DECISION,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: Match.arrayWith([
          { Name: 'FunctionName', Value: { Ref: fnId } },
          {
            Name: 'Resource',
            Value: { 'Fn::Join': ['', [{ Ref: fnId }, ':live']] },
          },
        ]),
        AlarmActions: [{ Ref: only(json, 'AWS::SNS::Topic')[0] }],
      });
    },
  );

  it.each([PRODUCTION, DEVELOPMENT])(
    '$name: the API 5xx alarm — threshold, period, missing data, action',
    (env) => {
      const { template, json } = synthesized(env);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...DECISION,
        Namespace: 'AWS/ApiGateway',
        MetricName: '5XXError',
        Dimensions: Match.arrayWith([
          Match.objectLike({ Name: 'ApiName' }),
          Match.objectLike({ Name: 'Stage' }),
        ]),
        AlarmActions: [{ Ref: only(json, 'AWS::SNS::Topic')[0] }],
      });
    },
  );

  it('exactly these two alarms, each with only the alarm action (no OK or insufficient-data actions)', () => {
    const { json } = synthesized(PRODUCTION);
    const alarms = resourcesOf(json, 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([, a]) => a.Properties!.MetricName).sort()).toEqual(['5XXError', 'Errors']);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties!.OKActions).toBeUndefined();
      expect(alarm.Properties!.InsufficientDataActions).toBeUndefined();
      expect(alarm.Properties!.ActionsEnabled ?? true).toBe(true);
      expect(alarm.Properties!.DatapointsToAlarm).toBeUndefined();
    }
  });
});
