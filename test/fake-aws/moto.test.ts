import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Moto, sharedMoto, startMoto } from '../support/moto.js';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

describe('moto harness', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('serves S3 on its endpoint and forgets everything on reset', async () => {
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'harness-bucket' }));
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([
      'harness-bucket',
    ]);
    await moto.reset();
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });

  it('stops the server', async () => {
    const other = await startMoto();
    await other.stop();
    await expect(fetch(`${other.endpoint}/moto-api/data.json`)).rejects.toThrow();
  });

  it('shares one moto per run through the globalSetup', () => {
    expect(inject('motoEndpoint')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sharedMoto().endpoint).toBe(inject('motoEndpoint'));
  });

  it('says how to install moto when moto_server is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startMoto()).rejects.toThrow(/moto_server is not on PATH/);
    } finally {
      process.env.PATH = path;
    }
  });
});
