import { readFile } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { UserError } from '../errors.js';
import { stagingBucketName } from '../stack-contract.js';

export interface PublishReport {
  /** Assets that were already in the staging bucket under their content hash. */
  found: number;
  uploaded: number;
  bytesUploaded: number;
}

export type PublishListener = (message: string) => void;

/**
 * Publishes the file assets of cdk-assets manifests with @aws-cdk/cdk-assets-lib (it zips directories,
 * substitutes ${AWS::AccountId}/${AWS::Region} and skips objects already stored under their content
 * hash), through our own SDK clients so credentials, retries and endpoints are the CLI's.
 */
export async function publishAssets(
  manifests: string[],
  clients: AwsClients,
  account: string,
  onMessage: PublishListener = () => undefined,
  skipFile?: string,
): Promise<PublishReport> {
  const report: PublishReport = { found: 0, uploaded: 0, bytesUploaded: 0 };
  if (manifests.length === 0) return report;
  const { AssetManifest, AssetPublishing, DestinationPattern, EventType } = await import(
    '@aws-cdk/cdk-assets-lib'
  );
  const s3 = await clients.s3();
  const aws = assetsAws(s3, clients.region, account, report);
  for (const file of manifests) {
    const all = AssetManifest.fromFile(file);
    const wanted = all.entries
      .filter((e) => !(skipFile && (e.genericSource as { path?: string }).path === skipFile))
      .map((e) => new DestinationPattern(e.id.assetId, e.id.destinationId));
    if (wanted.length === 0) continue;
    const manifest = all.select(wanted);
    const publishing = new AssetPublishing(manifest, {
      aws,
      publishInParallel: true,
      throwOnError: false,
      subprocessOutputDestination: 'ignore',
      progressListener: {
        onPublishEvent(type, event) {
          if (type === EventType.FOUND) report.found++;
          if (type === EventType.UPLOAD || type === EventType.FOUND || type === EventType.FAIL)
            onMessage(event.message);
        },
      },
    });
    await publishing.publish();
    const failure = publishing.failures[0];
    if (failure) {
      throw new UserError(`Publishing asset ${failure.asset.id} failed: ${failure.error.message}`, {
        code: 'AssetPublishFailed',
        suggestion: /No bucket named/.test(failure.error.message)
          ? `The staging bucket ${stagingBucketName(account, clients.region)} is missing: run deploy again to recreate the toolkit stack.`
          : 'Check your S3 permissions on the staging bucket and run deploy again.',
        cause: failure.error,
      });
    }
  }
  return report;
}

/** cdk-assets-lib's view of AWS, backed by our S3 client (file assets only: no ECR, no secrets). */
function assetsAws(s3: S3Client, region: string, account: string, report: PublishReport) {
  const account_ = { accountId: account, partition: 'aws' };
  return {
    discoverPartition: async () => 'aws',
    discoverDefaultRegion: async () => region,
    discoverCurrentAccount: async () => account_,
    discoverTargetAccount: async () => account_,
    ecrClient: async () => {
      throw new Error('container image assets are not supported');
    },
    secretsManagerClient: async () => {
      throw new Error('secrets are not supported');
    },
    s3Client: async () => {
      const S3 = await import('@aws-sdk/client-s3');
      return {
        getBucketEncryption: (input: import('@aws-sdk/client-s3').GetBucketEncryptionCommandInput) =>
          s3.send(new S3.GetBucketEncryptionCommand(input)),
        getBucketLocation: (input: import('@aws-sdk/client-s3').GetBucketLocationCommandInput) =>
          s3.send(new S3.GetBucketLocationCommand(input)),
        listObjectsV2: (input: import('@aws-sdk/client-s3').ListObjectsV2CommandInput) =>
          s3.send(new S3.ListObjectsV2Command(input)),
        upload: async (input: import('@aws-sdk/client-s3').PutObjectCommandInput) => {
          // Lambda bundles are small: read the packaged file whole, so the request has a known length
          // and works with every S3-compatible endpoint (no aws-chunked trailers).
          const body = await readBody(input.Body);
          const { ChecksumAlgorithm: _checksum, ...rest } = input;
          const out = await s3.send(new S3.PutObjectCommand({ ...rest, Body: body }));
          report.uploaded++;
          report.bytesUploaded += body.length;
          return { ...out, $metadata: out.$metadata };
        },
      };
    },
  };
}

async function readBody(body: unknown): Promise<Buffer> {
  const stream = body as { path?: string | Buffer };
  if (stream && typeof stream === 'object' && 'path' in stream && stream.path) {
    (body as { destroy?: () => void }).destroy?.();
    return readFile(stream.path);
  }
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * Puts a large template in the staging bucket under its hash (skipped when there) and returns the URL
 * CloudFormation reads it from.
 */
export async function uploadTemplate(
  clients: AwsClients,
  account: string,
  body: string,
  hash: string,
): Promise<{ url: string; bytesUploaded: number }> {
  const S3 = await import('@aws-sdk/client-s3');
  const s3 = await clients.s3();
  const bucket = stagingBucketName(account, clients.region);
  const key = `templates/${hash}.json`;
  const listed = await s3.send(new S3.ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  let bytesUploaded = 0;
  if (!listed.Contents?.some((o) => o.Key === key)) {
    await s3.send(
      new S3.PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
        ServerSideEncryption: 'AES256',
      }),
    );
    bytesUploaded = Buffer.byteLength(body);
  }
  return { url: `https://${bucket}.s3.${clients.region}.amazonaws.com/${key}`, bytesUploaded };
}
