/** emptyBucket against moto's S3 (real versioning, delete markers and ListObjectVersions pagination). */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { emptyBucket } from '../../src/deploy/bucket-emptying.js';
import { sharedMoto } from '../support/moto.js';

function s3(): S3Client {
  return new S3Client({
    endpoint: sharedMoto().endpoint,
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

async function versionedBucket(client: S3Client, name: string): Promise<void> {
  await client.send(
    new CreateBucketCommand({
      Bucket: name,
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    }),
  );
  await client.send(
    new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
  );
}

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

describe('emptyBucket (moto S3)', () => {
  it('deletes every version and delete marker, over more than one page, so the bucket can be deleted', async () => {
    const client = s3();
    const bucket = `cf-serverless-empty-${Date.now().toString(36)}`;
    await versionedBucket(client, bucket);
    // 1,020 keys: two versions each of the first 10, a delete marker on 5 of them -> more than one
    // ListObjectVersions page (1,000 entries).
    const keys = Array.from({ length: 1020 }, (_, i) => `items/${String(i).padStart(4, '0')}/metadata.json`);
    await inParallel(keys, 50, (Key) =>
      client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: '1' })),
    );
    await inParallel(keys.slice(0, 10), 10, (Key) =>
      client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: '2' })),
    );
    await inParallel(keys.slice(0, 5), 5, (Key) =>
      client.send(new DeleteObjectCommand({ Bucket: bucket, Key })),
    );

    const deleted = await emptyBucket(client, bucket);

    expect(deleted).toBe(1020 + 10 + 5);
    const left = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect(left.Versions ?? []).toEqual([]);
    expect(left.DeleteMarkers ?? []).toEqual([]);
    await expect(client.send(new DeleteBucketCommand({ Bucket: bucket }))).resolves.toBeDefined();
  }, 60_000);

  it('a bucket that is already gone counts as empty', async () => {
    await expect(emptyBucket(s3(), `cf-serverless-gone-${Date.now().toString(36)}`)).resolves.toBe(0);
  });
});
