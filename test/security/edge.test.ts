// The edge of the synthesized stack (issue 14): only CloudFront can call the API (an API key every method
// requires, held by the distribution as an origin custom header, its value a Secrets Manager dynamic
// reference), rotation by generation, CORS on every answer API Gateway and WAF give by themselves, the WAF
// rate rule on the viewer's real address, throttling from the project file, and the e-mail filter.
import { Capture, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { ResolvedEnvironment } from '../../src/config/schema.js';
import { CORS } from '../../src/runtime/contract.js';
import { DEVELOPMENT, only, PRODUCTION, resourcesOf, synthesized } from '../synth/synth-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: template JSON is read loosely
type Loose = any;

/** `{{resolve:secretsmanager:<the secret>:SecretString:::}}` as CloudFormation receives it. */
const dynamicReference = (secretId: string) => ({
  'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
});

function originHeaders(env: ResolvedEnvironment) {
  const distribution = only(synthesized(env).json, 'AWS::CloudFront::Distribution')[1];
  const origins = (distribution.Properties!.DistributionConfig as Loose).Origins as Loose[];
  expect(origins).toHaveLength(1);
  return {
    headers: origins[0].OriginCustomHeaders as Loose[],
    dependsOn: distribution.DependsOn as string[],
  };
}

describe('the origin is locked to CloudFront', () => {
  for (const env of [PRODUCTION, DEVELOPMENT]) {
    it(`${env.name}: every method, preflight included, requires the API key; API keys come from the header`, () => {
      const { template, json } = synthesized(env);
      template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'HEADER' });
      const methods = resourcesOf(json, 'AWS::ApiGateway::Method');
      expect(methods.length).toBeGreaterThanOrEqual(9);
      for (const [id, method] of methods) expect(method.Properties!.ApiKeyRequired, id).toBe(true);
    });

    it(`${env.name}: the only key is CloudFront's, a generated secret the template never holds in clear`, () => {
      const { template, json } = synthesized(env);
      const [secretId, secret] = only(json, 'AWS::SecretsManager::Secret');
      expect(secret.Properties).toMatchObject({
        GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
      });
      expect(secret.Properties).not.toHaveProperty('SecretString');
      const [keyId, key] = only(json, 'AWS::ApiGateway::ApiKey');
      expect(key.Properties!.Value).toEqual(dynamicReference(secretId));
      // The usage plan puts the key on this API's stage.
      const [planId] = only(json, 'AWS::ApiGateway::UsagePlan');
      const [stageId] = only(json, 'AWS::ApiGateway::Stage');
      const [apiId] = only(json, 'AWS::ApiGateway::RestApi');
      template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        ApiStages: [{ ApiId: { Ref: apiId }, Stage: { Ref: stageId } }],
      });
      const [planKeyId] = only(json, 'AWS::ApiGateway::UsagePlanKey');
      template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
        KeyId: { Ref: keyId },
        KeyType: 'API_KEY',
        UsagePlanId: { Ref: planId },
      });
      // CloudFront sends that key on every origin request, once API Gateway knows it.
      const { headers, dependsOn } = originHeaders(env);
      expect(headers).toEqual([{ HeaderName: 'x-api-key', HeaderValue: dynamicReference(secretId) }]);
      expect(dependsOn).toContain(planKeyId);
    });
  }

  it('rotation: generation 2 adds a new secret and key that CloudFront sends, keeps generation 1 valid', () => {
    const rotated = { ...PRODUCTION, originSecret: { generation: 2 } };
    const { json } = synthesized(rotated);
    const secrets = resourcesOf(json, 'AWS::SecretsManager::Secret');
    expect(secrets.map(([, s]) => s.Properties!.Description)).toEqual([
      'API key CloudFront sends to the API (origin secret, generation 1)',
      'API key CloudFront sends to the API (origin secret, generation 2)',
    ]);
    // Generation 1 keeps its logical ids: the same secret and key as before the rotation, not new ones.
    const before = synthesized(PRODUCTION).json;
    expect(secrets[0]![0]).toBe(only(before, 'AWS::SecretsManager::Secret')[0]);
    expect(resourcesOf(json, 'AWS::ApiGateway::ApiKey').map(([id]) => id)).toContain(
      only(before, 'AWS::ApiGateway::ApiKey')[0],
    );
    expect(resourcesOf(json, 'AWS::ApiGateway::UsagePlanKey')).toHaveLength(2);
    const { headers, dependsOn } = originHeaders(rotated);
    expect(headers[0].HeaderValue).toEqual(dynamicReference(secrets[1]![0]));
    for (const [planKeyId] of resourcesOf(json, 'AWS::ApiGateway::UsagePlanKey'))
      expect(dependsOn).toContain(planKeyId);

    // Generation 3: generation 1 is gone, 2 still accepted, 3 sent.
    const third = synthesized({ ...PRODUCTION, originSecret: { generation: 3 } }).json;
    const thirdSecrets = resourcesOf(third, 'AWS::SecretsManager::Secret');
    expect(thirdSecrets.map(([id]) => id)).toEqual([
      secrets[1]![0],
      expect.stringMatching(/^OriginLockSecret3/),
    ]);
    expect(originHeaders({ ...PRODUCTION, originSecret: { generation: 3 } }).headers[0].HeaderValue).toEqual(
      dynamicReference(thirdSecrets[1]![0]),
    );
  });

  it('no value in the template looks like a generated key: only dynamic references carry them', () => {
    const text = JSON.stringify(synthesized(PRODUCTION).json);
    expect(text).not.toMatch(/"HeaderValue":"[A-Za-z0-9]{20,}"/);
    expect(text).not.toMatch(/"Value":"[A-Za-z0-9]{40,}"/);
  });
});

describe('CORS on every answer a browser on another origin must read', () => {
  it('API Gateway: UNAUTHORIZED, DEFAULT_4XX (403 key/WAF, 413, 429 throttled) and DEFAULT_5XX carry Access-Control-Allow-Origin', () => {
    const { template } = synthesized(PRODUCTION);
    for (const type of ['UNAUTHORIZED', 'DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
      });
    }
  });

  it('preflight allows If-None-Match (304 revalidation) and If-Match, and not X-Api-Key', () => {
    const allowed = new Capture();
    synthesized(PRODUCTION).template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'OPTIONS',
      Integration: {
        IntegrationResponses: [
          {
            ResponseParameters: Match.objectLike({
              'method.response.header.Access-Control-Allow-Headers': allowed,
            }),
          },
        ],
      },
    });
    const headers = (allowed.asString() as string).replace(/'/g, '').split(',');
    expect(headers).toEqual(
      expect.arrayContaining(['If-None-Match', 'If-Match', 'Authorization', 'Content-Type']),
    );
    expect(headers).not.toContain('X-Api-Key');
    expect(CORS.allowHeaders).toContain('If-None-Match');
  });
});

describe("the WAF rate rule counts the viewer's real address", () => {
  it('a viewer-request function overwrites True-Client-IP with the viewer address; the rule aggregates on it', () => {
    const { json, template } = synthesized(PRODUCTION);
    const [functionId, fn] = only(json, 'AWS::CloudFront::Function');
    expect(fn.Properties!.FunctionCode).toContain(
      "event.request.headers['true-client-ip'] = { value: event.viewer.ip }",
    );
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          FunctionAssociations: [
            { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
          ],
        }),
      }),
    });
    const rules = (only(json, 'AWS::WAFv2::WebACL')[1].Properties as Loose).Rules as Loose[];
    expect(rules[0].Statement.RateBasedStatement.ForwardedIPConfig.HeaderName).toBe('True-Client-IP');
  });

  it('without WAF there is no function (nothing would read the header)', () => {
    expect(resourcesOf(synthesized(DEVELOPMENT).json, 'AWS::CloudFront::Function')).toEqual([]);
  });
});

describe('stage throttling is a per-environment setting', () => {
  it('default 100 requests per second, bursts of 200', () => {
    synthesized(PRODUCTION).template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          ThrottlingRateLimit: 100,
          ThrottlingBurstLimit: 200,
          HttpMethod: '*',
          ResourcePath: '/*',
        }),
      ]),
    });
  });

  it('the project file sets both', () => {
    synthesized({
      ...PRODUCTION,
      throttling: { rateLimit: 2500, burstLimit: 5000 },
    }).template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: 2500, ThrottlingBurstLimit: 5000 }),
      ]),
    });
  });
});

it("the owner's e-mail gets errors and alarms, not one message per created item", () => {
  synthesized(PRODUCTION).template.hasResourceProperties('AWS::SNS::Subscription', {
    Protocol: 'email',
    FilterPolicy: { itemEvent: [{ exists: false }] },
  });
});
