import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
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
  GeoRestriction,
  HttpVersion,
  OriginRequestPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} = requireCdk('aws-cdk-lib/aws-cloudfront') as typeof cloudfront;
const { RestApiOrigin } = requireCdk('aws-cdk-lib/aws-cloudfront-origins') as typeof origins;
const { Duration, Validations } = requireCdk('aws-cdk-lib/core') as typeof cdk;

export interface CdnProps {
  api: RestApi;
  logsBucket: IBucket;
  /** ISO 3166-1 alpha-2 codes CloudFront serves; everyone when absent. */
  geoAllowList?: string[] | undefined;
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
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'serverless-infra items API',
      defaultBehavior: {
        origin: new RestApiOrigin(props.api),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachedMethods: CachedMethods.CACHE_GET_HEAD,
        cachePolicy,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: true,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.logsBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.geoAllowList?.length
        ? { geoRestriction: GeoRestriction.allowlist(...props.geoAllowList) }
        : {}),
    });
    this.acknowledgeFindings(props.geoAllowList);
  }

  private acknowledgeFindings(geoAllowList: string[] | undefined): void {
    const acknowledge = Validations.of(this.distribution);
    acknowledge.acknowledge(
      {
        id: 'AwsSolutions-CFR2',
        reason: 'WAF arrives with auth (issue 8); API Gateway stage throttling limits abuse meanwhile.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'No custom domain yet: the default *.cloudfront.net certificate cannot pin a minimum TLS version. ' +
          'Viewers must use HTTPS; the origin connection is TLS 1.2 only.',
      },
    );
    if (!geoAllowList?.length) {
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
