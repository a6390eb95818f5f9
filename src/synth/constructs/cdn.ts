import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { requireCdk } from '../cdk-modules.js';

const {
  AllowedMethods,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function: CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  GeoRestriction,
  HttpVersion,
  OriginRequestPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} = requireCdk('aws-cdk-lib/aws-cloudfront') as typeof cloudfront;
const { RestApiOrigin } = requireCdk('aws-cdk-lib/aws-cloudfront-origins') as typeof origins;
const { Certificate } = requireCdk('aws-cdk-lib/aws-certificatemanager') as typeof acm;
const { Duration, Validations } = requireCdk('aws-cdk-lib/core') as typeof cdk;

/**
 * The header a viewer-request function sets to the viewer's address, overwriting whatever the viewer sent.
 * The WAF rate rule counts this address: X-Forwarded-For's first address is the viewer's to choose, and AWS
 * WAF reads only the first one (ForwardedIPConfig).
 */
export const VIEWER_ADDRESS_HEADER = 'True-Client-IP';

export interface CdnProps {
  api: RestApi;
  logsBucket: IBucket;
  /** ISO 3166-1 alpha-2 codes CloudFront serves; everyone when absent. */
  geoAllowList?: string[] | undefined;
  /** Served on this name with this ACM certificate (us-east-1), TLS 1.2 (2021 policy) at least. */
  customDomain?: { domainName: string; certificateArn: string } | undefined;
  /** The WAF web ACL sits on the API stage (REGIONAL), not on the distribution. */
  firewallOnOrigin: boolean;
  /** The origin key (OriginLock): a header name and a dynamic reference to its value. */
  originKey: { header: string; value: string; acceptedKeys: Construct[] };
}

/**
 * CloudFront in front of the API. The cache is keyed on the full query string (pagination, filters) and
 * honours the origin's Cache-Control (default TTL 0: nothing is cached unless the handler says so); only
 * GET/HEAD are cached. The origin request policy forwards viewer headers except Host: API Gateway answers
 * 403 to a Host that is not its own.
 */
export class Cdn extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: CdnProps) {
    super(scope, id);

    const cachePolicy = new CachePolicy(this, 'ApiCachePolicy', {
      comment: 'API: keyed on the query string, TTL from the origin Cache-Control',
      queryStringBehavior: CacheQueryStringBehavior.all(),
      // Writes carry `Authorization: Bearer <ID token>` for the API's Cognito authorizer. CloudFront never
      // forwards Authorization through an origin request policy (it cannot be listed in one, and the
      // all-viewer policies leave it out): a header is forwarded only if it is in the cache key. Keyed on it,
      // anonymous GETs still share one cache entry; writes are never cached.
      headerBehavior: CacheHeaderBehavior.allowList('Authorization'),
      cookieBehavior: CacheCookieBehavior.none(),
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    // For the WAF's rate rule only; without WAF nothing reads the header.
    const viewerAddress = props.firewallOnOrigin
      ? new CloudFrontFunction(this, 'ViewerAddress', {
          comment: `Sets ${VIEWER_ADDRESS_HEADER} to the viewer's IP address for the WAF rate rule`,
          runtime: FunctionRuntime.JS_2_0,
          code: FunctionCode.fromInline(
            `async function handler(event) {\n  event.request.headers['${VIEWER_ADDRESS_HEADER.toLowerCase()}'] = { value: event.viewer.ip };\n  return event.request;\n}`,
          ),
        })
      : undefined;

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'serverless-infra items API',
      defaultBehavior: {
        // CloudFront overwrites a viewer's header of the same name with the origin custom header.
        origin: new RestApiOrigin(props.api, {
          customHeaders: { [props.originKey.header]: props.originKey.value },
        }),
        ...(viewerAddress
          ? {
              functionAssociations: [
                { function: viewerAddress, eventType: FunctionEventType.VIEWER_REQUEST },
              ],
            }
          : {}),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachedMethods: CachedMethods.CACHE_GET_HEAD,
        cachePolicy,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: true,
      },
      ...(props.customDomain
        ? {
            domainNames: [props.customDomain.domainName],
            certificate: Certificate.fromCertificateArn(
              this,
              'Certificate',
              props.customDomain.certificateArn,
            ),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.logsBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.geoAllowList?.length
        ? { geoRestriction: GeoRestriction.allowlist(...props.geoAllowList) }
        : {}),
    });
    // CloudFront starts sending a new key only once API Gateway accepts it.
    for (const key of props.originKey.acceptedKeys) this.distribution.node.addDependency(key);
    this.acknowledgeFindings(props);
  }

  private acknowledgeFindings(props: CdnProps): void {
    const acknowledge = Validations.of(this.distribution);
    acknowledge.acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: props.firewallOnOrigin
        ? 'The WAF web ACL is REGIONAL on the API stage, which every request not answered from the cache ' +
          'reaches; a CLOUDFRONT-scope ACL would need a second stack in us-east-1 (docs/security.md).'
        : 'WAF is off for this environment ("waf": {"enabled": false}); API Gateway stage throttling still ' +
          'caps the request rate.',
    });
    if (!props.customDomain) {
      acknowledge.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'No custom domain configured (customDomain in the project file): the default *.cloudfront.net ' +
          'certificate cannot pin a minimum TLS version. Viewers must use HTTPS; the origin connection is TLS 1.2.',
      });
    }
    if (!props.geoAllowList?.length) {
      acknowledge.acknowledge({
        id: 'AwsSolutions-CFR1',
        reason:
          'Geo restriction is opt-in (geoAllowList in the project file); this environment serves every country.',
      });
    }
  }

  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
