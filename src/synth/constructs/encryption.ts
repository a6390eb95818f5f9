import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { requireCdk } from '../cdk-modules.js';
import { removalPolicyFor } from './removal.js';

const { AccountRootPrincipal, Effect, PolicyDocument, PolicyStatement, ServicePrincipal } = requireCdk(
  'aws-cdk-lib/aws-iam',
) as typeof iam;
const { Key } = requireCdk('aws-cdk-lib/aws-kms') as typeof kms;
const { Stack } = requireCdk('aws-cdk-lib/core') as typeof cdk;

export interface EncryptionProps {
  /** Production keeps the key when the stack goes: data encrypted with it would be unreadable otherwise. */
  retainData: boolean;
}

/**
 * Key administration and use by IAM principals of this account. Listed action by action instead of CDK's
 * default `kms:*` for the account root, so that no policy in the template carries a wildcard action. The
 * account root keeps kms:PutKeyPolicy, so the key can never be locked out.
 */
const ACCOUNT_KEY_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** The customer managed key (rotation on) for the storage bucket, the topic and the Lambda environment. */
export class Encryption extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptionProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    this.key = new Key(this, 'Key', {
      description: `serverless-infra data key (${Stack.of(this).stackName})`,
      enableKeyRotation: true,
      removalPolicy: removalPolicyFor(props.retainData),
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministrationAndUse',
            principals: [new AccountRootPrincipal()],
            actions: ACCOUNT_KEY_ACTIONS,
            resources: ['*'],
          }),
          // The alarms publish to the encrypted topic: CloudWatch needs a data key for it.
          new PolicyStatement({
            sid: 'CloudWatchAlarmsPublishToTopic',
            effect: Effect.ALLOW,
            principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:SourceAccount': account } },
          }),
        ],
      }),
    });
  }
}
