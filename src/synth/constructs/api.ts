import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as cdk from 'aws-cdk-lib/core';
import { Construct, type IConstruct } from 'constructs';
import type { Throttling } from '../../config/throttling.js';
import { API_ROUTES, CORS, WRITE_METHODS } from '../../runtime/contract.js';
import { requireCdk } from '../cdk-modules.js';
import { removalPolicyFor } from './removal.js';

const {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  CfnAccount,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} = requireCdk('aws-cdk-lib/aws-apigateway') as typeof apigateway;
const { PolicyDocument, PolicyStatement, Role, ServicePrincipal } = requireCdk(
  'aws-cdk-lib/aws-iam',
) as typeof iam;
const { LogGroup, RetentionDays } = requireCdk('aws-cdk-lib/aws-logs') as typeof logs;
const { ArnFormat, Duration, RemovalPolicy, Stack, Validations } = requireCdk(
  'aws-cdk-lib/core',
) as typeof cdk;

export const API_STAGE = 'v1';

/** What the AWS managed policy AmazonAPIGatewayPushToCloudWatchLogs allows, as an inline policy. */
export const API_GATEWAY_LOG_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:DescribeLogGroups',
  'logs:DescribeLogStreams',
  'logs:PutLogEvents',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
] as const;

export interface ApiProps {
  /** The alias `live`: every method invokes it, so CodeDeploy's weights apply to API traffic. */
  handler: IFunction;
  /** Steady-state requests per second and burst for the whole stage (the environment's `throttling`). */
  throttling: Throttling;
  retainData: boolean;
  /** Checks every write method (POST/PUT/PATCH/DELETE); reads stay public. None: writes are open (`auth: none`). */
  writeAuthorizer?: apigateway.IAuthorizer | undefined;
  /** A WAF web ACL is associated with the stage (the Waf construct). */
  firewall: boolean;
}

/**
 * The REST API, REGIONAL: CloudFront (the Cdn construct) is the edge, an edge-optimized API would put a
 * second, unconfigurable CloudFront distribution behind ours.
 *
 * Access and execution logging to CloudWatch need the account-level API Gateway CloudWatch role. We create
 * it (ApiGatewayAccount below) with a scoped inline policy instead of the managed one, and make the stage
 * depend on it so the first deploy in a fresh account does not fail.
 */
export class Api extends Construct {
  readonly api: apigateway.RestApi;
  readonly accessLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { throttling } = props;

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: removalPolicyFor(props.retainData),
    });

    this.api = new RestApi(this, 'RestApi', {
      description: `serverless-infra items API (${Stack.of(this).stackName})`,
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: false, // created below, scoped
      // Every method needs the key only CloudFront holds (the OriginLock construct): no way around the edge.
      apiKeySourceType: ApiKeySourceType.HEADER,
      defaultMethodOptions: { apiKeyRequired: true },
      deployOptions: {
        stageName: API_STAGE,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        // Errors only, never request/response bodies (dataTraceEnabled would log them in full).
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: throttling.rateLimit,
        throttlingBurstLimit: throttling.burstLimit,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [CORS.allowOrigin],
        allowMethods: [...CORS.allowMethods],
        allowHeaders: [...CORS.allowHeaders],
        maxAge: Duration.seconds(CORS.maxAgeSeconds),
      },
    });

    // RestApi adds an "Endpoint" output; the stack's outputs are a fixed contract (ApiUrl).
    this.api.node.tryRemoveChild('Endpoint');

    const integration = new LambdaIntegration(props.handler, { allowTestInvoke: false });
    for (const route of API_ROUTES) {
      const resource = this.api.root.resourceForPath(route.path);
      for (const method of route.methods) {
        const write = WRITE_METHODS.has(method);
        const added = resource.addMethod(
          method,
          integration,
          write && props.writeAuthorizer
            ? { authorizer: props.writeAuthorizer, authorizationType: AuthorizationType.COGNITO }
            : { authorizationType: AuthorizationType.NONE },
        );
        if (!write || !props.writeAuthorizer) acknowledgePublicMethod(added, write);
      }
    }
    // CORS preflight (OPTIONS) must answer without credentials: browsers never send them on a preflight.
    // It still needs the origin key (CloudFront adds it to preflights too); CDK's preflight method sets none.
    for (const child of this.api.root.node.findAll()) {
      if (child.node.id !== 'OPTIONS') continue;
      acknowledgePublicMethod(child, false);
      (child.node.defaultChild as apigateway.CfnMethod).apiKeyRequired = true;
    }

    // API Gateway's own answers (401 without a token, 403 without the origin key or blocked by WAF, 413, 429
    // when throttled, 5xx) must carry CORS headers, or a browser on another origin sees a CORS error instead.
    const corsHeaders = { 'Access-Control-Allow-Origin': `'${CORS.allowOrigin}'` };
    this.api.addGatewayResponse('Unauthorized', {
      type: ResponseType.UNAUTHORIZED,
      responseHeaders: corsHeaders,
    });
    this.api.addGatewayResponse('Default4xx', {
      type: ResponseType.DEFAULT_4XX,
      responseHeaders: corsHeaders,
    });
    this.api.addGatewayResponse('Default5xx', {
      type: ResponseType.DEFAULT_5XX,
      responseHeaders: corsHeaders,
    });

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Lambda proxy integration: the handler parses every body with a schema and answers 4xx (DESIGN D6); ' +
        'an API Gateway model would be a second, drifting copy of that schema.',
    });
    if (!props.firewall) {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'WAF is off for this environment ("waf": {"enabled": false}, the default outside Production); ' +
          'stage throttling still caps the request rate.',
      });
    }

    const account = new ApiGatewayAccount(this, 'Account', { retainRole: true });
    this.api.deploymentStage.node.addDependency(account.account);
  }

  /** The URL of the stage (https://<id>.execute-api.<region>.amazonaws.com/v1/). */
  get url(): string {
    return this.api.url;
  }
}

/** A method without authorization on purpose: reads, CORS preflight, or every method under `auth: none`. */
function acknowledgePublicMethod(method: IConstruct, write: boolean): void {
  const reason = write
    ? '"auth": "none" in this non-Production environment: writes are open on purpose (synth and deploy warn).'
    : 'Reads and CORS preflight are public by design so that CloudFront can cache them; every write method ' +
      'has the Cognito authorizer (docs/security.md).';
  Validations.of(method).acknowledge(
    { id: 'AwsSolutions-APIG4', reason },
    { id: 'AwsSolutions-COG4', reason },
  );
}

/**
 * API Gateway's account-wide setting (one per account and region) naming the role it logs with. Shared by
 * every REST API of the account in this region, so the role may write to any log group of the account in
 * this region (allow-listed in iam-allow-list.ts); its actions are exactly those of the managed policy
 * AmazonAPIGatewayPushToCloudWatchLogs. The role is retained: deleting it would break other APIs' logging.
 */
class ApiGatewayAccount extends Construct {
  readonly account: apigateway.CfnAccount;

  constructor(scope: Construct, id: string, props: { retainRole: boolean }) {
    super(scope, id);
    const stack = Stack.of(this);
    const role = new Role(this, 'CloudWatchRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway account setting: writes execution and access logs to CloudWatch Logs',
      inlinePolicies: {
        PushToCloudWatchLogs: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: [...API_GATEWAY_LOG_ACTIONS],
              resources: [
                stack.formatArn({
                  service: 'logs',
                  resource: 'log-group',
                  resourceName: '*',
                  arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                }),
              ],
            }),
          ],
        }),
      },
    });
    if (props.retainRole) role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.account = new CfnAccount(this, 'Resource', { cloudWatchRoleArn: role.roleArn });
  }
}
