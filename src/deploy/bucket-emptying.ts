import type { ListObjectVersionsCommandOutput, S3Client } from '@aws-sdk/client-s3';

/**
 * Deletes every object version and delete marker of a bucket, a page (up to 1,000 entries, also the
 * DeleteObjects limit) at a time, so CloudFormation can delete it: a bucket with DeletionPolicy Delete
 * fails its deletion while anything is left in it. Each page is listed from the start again, since the
 * previous one is gone (no markers pointing at deleted keys; moto does not page versions otherwise).
 * Returns how many versions and markers were deleted; a bucket already gone counts 0.
 */
export async function emptyBucket(s3: S3Client, bucket: string): Promise<number> {
  const { ListObjectVersionsCommand, DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
  let deleted = 0;
  for (;;) {
    let page: ListObjectVersionsCommandOutput;
    try {
      page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
    } catch (error) {
      if ((error as Error).name === 'NoSuchBucket') return deleted;
      throw error;
    }
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((o) => o.Key !== undefined)
      .map((o) => ({ Key: o.Key as string, VersionId: o.VersionId }))
      .slice(0, 1000);
    if (objects.length === 0) return deleted;
    const out = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
    );
    const failed = out.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0];
      throw new Error(
        `Could not delete ${failed.length} object(s) from ${bucket}, e.g. ${first?.Key} (${first?.Code}: ${first?.Message}).`,
      );
    }
    deleted += objects.length;
  }
}
