import type { IKey } from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { dataBucketName, logsBucketName } from '../../stack-contract.js';
import { requireCdk } from '../cdk-modules.js';
import { removalPolicyFor } from './removal.js';

const { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } = requireCdk(
  'aws-cdk-lib/aws-s3',
) as typeof s3;
const { Duration, Validations } = requireCdk('aws-cdk-lib/core') as typeof cdk;

export interface StorageProps {
  /** The persisted 8-character id from the project file: bucket names are global and must never change. */
  resourceId: string;
  key: IKey;
  retainData: boolean;
}

/**
 * The storage bucket `cf-serverless-<id>` (customer key, versioned) and the logs bucket
 * `cf-serverless-logs-<id>` that receives its server access logs and CloudFront's standard logs.
 *
 * Non-Production buckets are DESTROY but without CDK's auto-delete custom resource: that provider brings a
 * role with an AWS managed policy, wildcard actions (`s3:List*`, `s3:DeleteObject*`) in the bucket policy and
 * a Lambda runtime we do not pin. The `destroy` command empties the buckets before deleting the stack.
 */
export class Storage extends Construct {
  readonly bucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const removalPolicy = removalPolicyFor(props.retainData);

    this.logsBucket = new Bucket(this, 'LogsBucket', {
      bucketName: logsBucketName(props.resourceId),
      // S3 server access logging and CloudFront standard logging cannot write to SSE-KMS buckets.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with an ACL grant to its log-delivery account: ACLs must be on.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [
        {
          id: 'ExpireLogs',
          expiration: Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
    });
    Validations.of(this.logsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: dataBucketName(props.resourceId),
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'storage-access/',
      lifecycleRules: [
        {
          id: 'ExpireOldVersions',
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
    });
  }
}
