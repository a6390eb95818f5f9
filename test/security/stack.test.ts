// The security posture of the synthesized stack: authorizer on writes only, WAF, TLS, auth none.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { auditApp } from '../../src/audit/index.js';
import { parseProject } from '../../src/config/project-file.js';
import type { ResolvedEnvironment } from '../../src/config/schema.js';
import { createApp } from '../../src/synth/app.js';
import {
  DEVELOPMENT,
  only,
  PRODUCTION,
  RUNTIME_CODE,
  resourcesOf,
  synthesized,
  tempDir,
} from '../synth/synth-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: template JSON is read loosely
type Loose = any;

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

function methods(env: ResolvedEnvironment) {
  return resourcesOf(synthesized(env).json, 'AWS::ApiGateway::Method').map(
    ([, r]) => r.Properties as Record<string, unknown>,
  );
}

describe('authorized writes', () => {
  it('every write method has the Cognito authorizer; reads and preflight have none', () => {
    const { json } = synthesized(PRODUCTION);
    const [authorizerId, authorizer] = only(json, 'AWS::ApiGateway::Authorizer');
    expect(authorizer.Properties).toMatchObject({
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
    });
    const [poolId] = only(json, 'AWS::Cognito::UserPool');
    expect(authorizer.Properties!.ProviderARNs).toEqual([{ 'Fn::GetAtt': [poolId, 'Arn'] }]);

    const all = methods(PRODUCTION);
    const writes = all.filter((m) => WRITES.includes(m.HttpMethod as string));
    const reads = all.filter((m) => !WRITES.includes(m.HttpMethod as string));
    // POST /items, PUT/PATCH/DELETE /items/{id}
    expect(writes.map((m) => m.HttpMethod).sort()).toEqual(['DELETE', 'PATCH', 'POST', 'PUT']);
    for (const m of writes) {
      expect(m.AuthorizationType, String(m.HttpMethod)).toBe('COGNITO_USER_POOLS');
      expect(m.AuthorizerId, String(m.HttpMethod)).toEqual({ Ref: authorizerId });
    }
    expect(reads.map((m) => m.HttpMethod).sort()).toEqual(['GET', 'GET', 'OPTIONS', 'OPTIONS', 'OPTIONS']);
    for (const m of reads) {
      expect(m.AuthorizationType, String(m.HttpMethod)).toBe('NONE');
      expect(m.AuthorizerId, String(m.HttpMethod)).toBeUndefined();
    }
  });

  it('the user pool: admin-created users only, strong passwords, Plus plan with threat protection in Production', () => {
    const pool = only(synthesized(PRODUCTION).json, 'AWS::Cognito::UserPool')[1];
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
    expect(pool.DeletionPolicy).toBe('Retain');
    const client = only(synthesized(PRODUCTION).json, 'AWS::Cognito::UserPoolClient')[1];
    expect(client.Properties).toMatchObject({ GenerateSecret: false, PreventUserExistenceErrors: 'ENABLED' });
    expect(client.Properties!.ExplicitAuthFlows).toContain('ALLOW_USER_PASSWORD_AUTH');
  });

  it('the function is told to refuse writes without identity; the pool is in the outputs', () => {
    const { template, json } = synthesized(PRODUCTION);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WRITE_AUTH: 'required' }) },
    });
    expect(json.Outputs.UserPoolId!.Value).toEqual({ Ref: only(json, 'AWS::Cognito::UserPool')[0] });
    expect(json.Outputs.UserPoolClientId!.Value).toEqual({
      Ref: only(json, 'AWS::Cognito::UserPoolClient')[0],
    });
  });

  it('CloudFront forwards Authorization: it is in the cache key (origin request policies cannot carry it)', () => {
    const policy = only(synthesized(PRODUCTION).json, 'AWS::CloudFront::CachePolicy')[1];
    const config = (policy.Properties!.CachePolicyConfig as Record<string, Loose>)
      .ParametersInCacheKeyAndForwardedToOrigin;
    expect(config.HeadersConfig).toEqual({ HeaderBehavior: 'whitelist', Headers: ['Authorization'] });
    expect(config.QueryStringsConfig.QueryStringBehavior).toBe('all');
  });

  it('API Gateway 401s carry CORS headers so that browsers can read them', () => {
    synthesized(PRODUCTION).template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
    });
  });
});

describe('auth: none', () => {
  const OPEN: ResolvedEnvironment = { ...DEVELOPMENT, auth: 'none' };

  it('outside Production: no pool, no authorizer, the handler is told writes are open, and synth warns', () => {
    const { json, artifact } = synthesized(OPEN);
    expect(resourcesOf(json, 'AWS::Cognito::UserPool')).toEqual([]);
    expect(resourcesOf(json, 'AWS::ApiGateway::Authorizer')).toEqual([]);
    for (const m of methods(OPEN)) expect(m.AuthorizationType).toBe('NONE');
    synthesized(OPEN).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WRITE_AUTH: 'none' }) },
    });
    const warnings = artifact.messages.filter((m) => m.level === 'warning').map((m) => String(m.entry.data));
    expect(warnings.some((w) => w.includes('anyone on the internet can create'))).toBe(true);
  });

  it('is refused for Production, in the project file and in code', () => {
    const file = {
      schemaVersion: 1,
      environments: { Production: { ...PRODUCTION, name: undefined, auth: 'none' } },
    };
    delete (file.environments.Production as Record<string, unknown>).name;
    expect(() => parseProject(JSON.stringify(file), 'serverless-infra.json')).toThrow(
      /Production\.auth: Production must authorize writes/,
    );
    const staging = { schemaVersion: 1, environments: { Staging: file.environments.Production } };
    expect(parseProject(JSON.stringify(staging), 'serverless-infra.json').environments.Staging?.auth).toBe(
      'none',
    );
    expect(() =>
      createApp({ ...PRODUCTION, auth: 'none' }, RUNTIME_CODE, { outdir: tempDir('none') }),
    ).toThrow(/Production must authorize writes/);
  });
});

describe('WAF', () => {
  it("Production (default on): REGIONAL web ACL on the stage with managed rule groups and a rate rule on the viewer's address", () => {
    const { json } = synthesized(PRODUCTION);
    const [aclId, acl] = only(json, 'AWS::WAFv2::WebACL');
    const props = acl.Properties as Record<string, Loose>;
    expect(props.Scope).toBe('REGIONAL');
    expect(props.DefaultAction).toEqual({ Allow: {} });
    const rules = props.Rules as Array<Record<string, Loose>>;
    const rate = rules.find((r) => r.Statement.RateBasedStatement);
    expect(rate).toMatchObject({
      Action: {
        Block: {
          CustomResponse: {
            ResponseCode: 429,
            CustomResponseBodyKey: 'TooManyRequests',
            ResponseHeaders: [{ Name: 'Access-Control-Allow-Origin', Value: '*' }],
          },
        },
      },
      Statement: {
        RateBasedStatement: {
          Limit: 1000,
          EvaluationWindowSec: 300,
          AggregateKeyType: 'FORWARDED_IP',
          ForwardedIPConfig: { HeaderName: 'True-Client-IP', FallbackBehavior: 'MATCH' },
        },
      },
    });
    expect(props.CustomResponseBodies).toEqual({
      TooManyRequests: { ContentType: 'APPLICATION_JSON', Content: '{"message":"Too Many Requests"}' },
    });
    const managed = rules
      .filter((r) => r.Statement.ManagedRuleGroupStatement)
      .map((r) => r.Statement.ManagedRuleGroupStatement);
    expect(managed.map((m) => `${m.VendorName}/${m.Name}`).sort()).toEqual([
      'AWS/AWSManagedRulesCommonRuleSet',
      'AWS/AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    // Distinct priorities, every rule visible in CloudWatch.
    expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
    for (const r of rules) expect(r.VisibilityConfig.CloudWatchMetricsEnabled).toBe(true);

    const association = only(json, 'AWS::WAFv2::WebACLAssociation')[1];
    const [stageId] = only(json, 'AWS::ApiGateway::Stage');
    const [apiId] = only(json, 'AWS::ApiGateway::RestApi');
    expect(association.Properties!.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    const arn = JSON.stringify(association.Properties!.ResourceArn);
    expect(arn).toContain(`{"Ref":"${apiId}"}`);
    expect(arn).toContain(`{"Ref":"${stageId}"}`);
    expect(arn).toContain('/stages/');
  });

  it('off by default outside Production; on with the configured rate limit when asked', () => {
    expect(resourcesOf(synthesized(DEVELOPMENT).json, 'AWS::WAFv2::WebACL')).toEqual([]);
    const withWaf = synthesized({ ...DEVELOPMENT, waf: { enabled: true, rateLimit: 200 } }).json;
    const acl = only(withWaf, 'AWS::WAFv2::WebACL')[1].Properties as Record<string, Loose>;
    expect(acl.Rules[0].Statement.RateBasedStatement.Limit).toBe(200);
    expect(resourcesOf(withWaf, 'AWS::WAFv2::WebACLAssociation')).toHaveLength(1);
    // and Production can turn it off (with a warning)
    const off = synthesized({ ...PRODUCTION, waf: { enabled: false } });
    expect(resourcesOf(off.json, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(off.artifact.messages.some((m) => String(m.entry.data).includes('WAF is off in Production'))).toBe(
      true,
    );
  });
});

describe('TLS', () => {
  it('HTTPS only; a custom domain sets its certificate and TLS 1.2 (2021) as the minimum', () => {
    const env = {
      ...PRODUCTION,
      customDomain: { domainName: 'api.example.com', certificateArn: CERTIFICATE },
    };
    const distribution = only(synthesized(env).json, 'AWS::CloudFront::Distribution')[1];
    const config = (distribution.Properties as Record<string, Loose>).DistributionConfig;
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('https-only');
    expect(config.Aliases).toEqual(['api.example.com']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });

  it('the certificate must come from us-east-1 (CloudFront takes no other)', () => {
    const file = (certificateArn: string) =>
      JSON.stringify({
        schemaVersion: 1,
        environments: {
          Staging: {
            ...DEVELOPMENT,
            name: undefined,
            customDomain: { domainName: 'api.example.com', certificateArn },
          },
        },
      });
    expect(() => parseProject(file(CERTIFICATE.replace('us-east-1', 'eu-west-1')), 'f.json')).toThrow(
      /certificateArn: expected the ARN of an ACM certificate in us-east-1/,
    );
    expect(parseProject(file(CERTIFICATE), 'f.json').environments.Staging?.customDomain?.certificateArn).toBe(
      CERTIFICATE,
    );
  });
});

describe('cdk-nag on every variant', () => {
  const variants: Array<[string, ResolvedEnvironment]> = [
    ['Production', PRODUCTION],
    [
      'Production with a custom domain',
      { ...PRODUCTION, customDomain: { domainName: 'api.example.com', certificateArn: CERTIFICATE } },
    ],
    ['Development with auth none', { ...DEVELOPMENT, auth: 'none' }],
    ['Development with WAF', { ...DEVELOPMENT, waf: { enabled: true } }],
  ];
  for (const [name, env] of variants) {
    it(`${name}: no unacknowledged finding`, async () => {
      const { app, stack } = createApp(env, RUNTIME_CODE, { outdir: tempDir('nag') });
      const report = await auditApp(app, stack, env.name);
      expect(report.findings.filter((f) => !f.acknowledged && f.source !== 'cfn-lint')).toEqual([]);
      expect(report.summary.lintErrors).toBe(0);
      const rules = report.findings.map((f) => f.rule);
      // The default certificate is acknowledged only where there is no custom domain.
      expect(rules.includes('AwsSolutions-CFR4')).toBe(!env.customDomain);
      // The stage's WAF finding is gone where WAF is on.
      expect(rules.includes('AwsSolutions-APIG3')).toBe(!(env.waf?.enabled ?? env.name === 'Production'));
    });
  }
});
