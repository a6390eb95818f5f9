import { STAGING_BUCKET_PLACEHOLDER, TOOLKIT_STACK_NAME } from '../stack-contract.js';
import type { StackSource } from './stack-source.js';

/** Bumped whenever the template below changes, so the engine updates older toolkit stacks. */
export const TOOLKIT_VERSION = '1';

/**
 * The toolkit stack: one staging bucket per account and region for Lambda code and large templates.
 * Hand-written (not synthesized) so deploying it never loads aws-cdk-lib. Encrypted, versioned,
 * SSL-only, no public access; noncurrent versions and old uploads expire so the bucket does not grow
 * forever (current objects stay: a deployed stack may still reference them).
 */
export function toolkitStackSource(): StackSource {
  return {
    stackName: TOOLKIT_STACK_NAME,
    parameters: {},
    tags: { Project: 'ServerlessInfra', Purpose: 'asset-staging' },
    terminationProtection: false,
    assetManifests: [],
    template: {
      Description: 'serverless-infra toolkit: staging bucket for Lambda code and large templates',
      Resources: {
        StagingBucket: {
          Type: 'AWS::S3::Bucket',
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
          Properties: {
            BucketName: { 'Fn::Sub': STAGING_BUCKET_PLACEHOLDER },
            BucketEncryption: {
              ServerSideEncryptionConfiguration: [
                { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
              ],
            },
            VersioningConfiguration: { Status: 'Enabled' },
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: true,
              BlockPublicPolicy: true,
              IgnorePublicAcls: true,
              RestrictPublicBuckets: true,
            },
            OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
            LifecycleConfiguration: {
              Rules: [
                {
                  Id: 'ExpireNoncurrent',
                  Status: 'Enabled',
                  NoncurrentVersionExpiration: { NoncurrentDays: 30 },
                  AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
                },
                { Id: 'ExpireTemplates', Status: 'Enabled', Prefix: 'templates/', ExpirationInDays: 30 },
              ],
            },
          },
        },
        StagingBucketPolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'StagingBucket' },
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'DenyInsecureTransport',
                  Effect: 'Deny',
                  Principal: '*',
                  Action: 's3:*',
                  Resource: [
                    { 'Fn::GetAtt': ['StagingBucket', 'Arn'] },
                    { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['StagingBucket', 'Arn'] }, '/*']] },
                  ],
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                },
              ],
            },
          },
        },
      },
      Outputs: {
        BucketName: { Value: { Ref: 'StagingBucket' } },
        Version: { Value: TOOLKIT_VERSION },
      },
    },
  };
}
