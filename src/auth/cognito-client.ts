/**
 * A minimal client for the Cognito user pools API (service `cognito-idp`, AWS JSON 1.1): the package ships
 * no @aws-sdk/client-cognito-identity-provider, and the four calls we make do not justify one. It keeps the
 * SDK's behaviour where it matters: the standard credential chain (and --profile), SigV4 signing from
 * @smithy/signature-v4, and the endpoint the SDK itself would use (its configured-endpoint resolution reads
 * AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER / AWS_ENDPOINT_URL / the profile's endpoint_url).
 */
import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentialIdentityProvider, Checksum, SourceData } from '@smithy/types';
import { type AwsContext, clientConfig } from '../aws/clients.js';
import { UserError } from '../errors.js';

const SERVICE_ID = 'Cognito Identity Provider';
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService';

export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export class CognitoClient {
  private endpoint: Promise<URL> | undefined;
  private credentials: AwsCredentialIdentityProvider | undefined;

  constructor(private readonly context: AwsContext) {}

  /** A call that needs AWS credentials (the Admin* operations). */
  signed<T>(operation: string, input: object): Promise<T> {
    return this.call<T>(operation, input, true);
  }

  /** A call Cognito takes without AWS credentials (InitiateAuth: the user's password is the credential). */
  unsigned<T>(operation: string, input: object): Promise<T> {
    return this.call<T>(operation, input, false);
  }

  private async call<T>(operation: string, input: object, sign: boolean): Promise<T> {
    this.endpoint ??= this.resolveEndpoint();
    const url = await this.endpoint;
    const body = JSON.stringify(input);
    let headers: Record<string, string> = {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${TARGET_PREFIX}.${operation}`,
    };
    if (sign) headers = await this.sign(url, headers, body);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body });
    } catch (error) {
      throw new UserError(`Cannot reach Cognito at ${url.origin}: ${(error as Error).message}`, {
        suggestion: 'Check the network and the region (--region).',
        cause: error,
      });
    }
    const text = await response.text();
    const data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!response.ok) {
      const type = String(data.__type ?? response.headers.get('x-amzn-errortype') ?? 'UnknownError')
        .split('#')
        .pop()!
        .split(':')[0]!;
      throw new CognitoError(type, String(data.message ?? data.Message ?? `HTTP ${response.status}`));
    }
    return data as T;
  }

  private async resolveEndpoint(): Promise<URL> {
    const { resolveEndpointConfig } = await import('@smithy/core/endpoints');
    const configured = await (
      resolveEndpointConfig({ serviceId: SERVICE_ID } as never) as {
        serviceConfiguredEndpoint(): Promise<string | undefined>;
      }
    ).serviceConfiguredEndpoint();
    return new URL(configured ?? `https://cognito-idp.${this.context.region}.amazonaws.com/`);
  }

  private async sign(
    url: URL,
    headers: Record<string, string>,
    body: string,
  ): Promise<Record<string, string>> {
    const [{ SignatureV4 }, config] = await Promise.all([
      import('@smithy/signature-v4'),
      clientConfig(this.context),
    ]);
    if (!this.credentials) {
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      this.credentials = config.credentials ?? fromNodeProviderChain();
    }
    const signer = new SignatureV4({
      service: 'cognito-idp',
      region: this.context.region,
      credentials: this.credentials,
      sha256: Sha256,
    });
    let signed: { headers: Record<string, string> };
    try {
      signed = await signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        headers,
        body,
      });
    } catch (error) {
      throw new UserError(`No AWS credentials: ${(error as Error).message}`, {
        suggestion:
          'Sign in (aws sso login, AWS_PROFILE or --profile) with a principal allowed to manage the user pool.',
        cause: error,
      });
    }
    return signed.headers;
  }
}

/** SHA-256 (and HMAC-SHA-256 with a secret) for the signer, from node:crypto. */
class Sha256 implements Checksum {
  private hash;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.create();
  }

  private create() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }

  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.create();
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data as ArrayBuffer);
}
