import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { METADATA_PREFIX } from './contract.js';
import type { Item } from './items-repository.js';

/** `items/<id>/metadata.json` in the storage bucket: what the item is, without its client fields. */
export class MetadataStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucketName: string,
  ) {}

  static keyOf(id: string): string {
    return `${METADATA_PREFIX}${id}/metadata.json`;
  }

  async put(item: Item): Promise<void> {
    const { id, status, createdAt, updatedAt, version } = item;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucketName,
        Key: MetadataStore.keyOf(id),
        Body: JSON.stringify({ id, status, createdAt, updatedAt, version }),
        ContentType: 'application/json',
      }),
    );
  }

  async delete(id: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucketName, Key: MetadataStore.keyOf(id) }));
  }
}
