import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as cdk from 'aws-cdk-lib/core';
import type { Stack } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import { requireCdk } from './cdk-modules.js';
import { API_GATEWAY_LOG_ACTIONS } from './constructs/api.js';

const { CfnPolicy, CfnRole } = requireCdk('aws-cdk-lib/aws-iam') as typeof iam;
const { Validations } = requireCdk('aws-cdk-lib/core') as typeof cdk;

/**
 * The only resource wildcards an Allow statement of this stack may carry, each with its reason (DESIGN D7).
 * Resources are matched in cdk-nag's flattened notation: `<LogicalId.Attr>` for Fn::GetAtt, `<Name>` for
 * Ref and pseudo parameters, Fn::Join concatenated. Actions are never wildcards (no entry allows that).
 */
export interface ResourceWildcard {
  id: string;
  /** Every action of a matching statement must be one of these ('any': the entry is about the resource only). */
  actions: readonly string[] | 'any';
  resource: RegExp;
  /** The template resource types whose policies may use it (all policy holders when absent). */
  resourceTypes?: readonly string[];
  reason: string;
}

export const RESOURCE_WILDCARD_ALLOW_LIST: readonly ResourceWildcard[] = [
  {
    id: 'xray-trace-submission',
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
    resource: /^\*$/,
    reason: 'X-Ray trace submission has no resource-level permissions: "*" is the only resource AWS accepts.',
  },
  {
    id: 'item-metadata-prefix',
    actions: ['s3:PutObject', 's3:DeleteObject'],
    resource: /^<StorageBucket[0-9A-F]{8}\.Arn>\/items\/\*$/,
    reason:
      'The handler writes items/<id>/metadata.json: the object key holds the item id, so the items/ prefix ' +
      'of the storage bucket is the narrowest ARN.',
  },
  {
    id: 'server-access-log-prefix',
    actions: ['s3:PutObject'],
    resource: /^<StorageLogsBucket[0-9A-F]{8}\.Arn>\/storage-access\/\*$/,
    resourceTypes: ['AWS::S3::BucketPolicy'],
    reason:
      'S3 server access log delivery names its own objects under the configured storage-access/ prefix.',
  },
  {
    id: 'smoke-hook-invokes-versions',
    actions: ['lambda:InvokeFunction'],
    resource: /^<ComputeFunction[0-9A-F]{8}\.Arn>:\*$/,
    resourceTypes: ['AWS::IAM::Policy'],
    reason:
      "The release's smoke hook invokes the version a shift moves to, known only when the shift starts: " +
      "the function's ARN with any version qualifier (never another function).",
  },
  {
    id: 'key-policy-self',
    actions: 'any',
    resource: /^\*$/,
    resourceTypes: ['AWS::KMS::Key'],
    reason: 'In a key policy, Resource "*" means the key the policy is attached to, nothing else.',
  },
  {
    id: 'apigateway-account-log-groups',
    actions: API_GATEWAY_LOG_ACTIONS,
    resource: /^arn:aws[a-z-]*:logs:[a-z0-9-]+:<AWS::AccountId>:log-group:\*$/,
    resourceTypes: ['AWS::IAM::Role'],
    reason:
      "API Gateway's CloudWatch role is an account-wide setting shared by every REST API of the account in " +
      'this region: it writes to the execution log groups API Gateway names per API, in this account and ' +
      'region only.',
  },
];

/** The allow-list entry covering a wildcard resource of an Allow statement, if any. */
export function allowListEntryFor(
  resourceType: string,
  actions: readonly string[],
  flatResource: string,
): ResourceWildcard | undefined {
  return RESOURCE_WILDCARD_ALLOW_LIST.find(
    (entry) =>
      entry.resource.test(flatResource) &&
      (!entry.resourceTypes || entry.resourceTypes.includes(resourceType)) &&
      (entry.actions === 'any' || actions.every((a) => entry.actions.includes(a))),
  );
}

/** A CloudFormation value as one string, in cdk-nag's notation (see ResourceWildcard). */
export function flattenReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (node['Fn::Sub']) return flattenReference(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (node.Ref) return `<${flattenReference(node.Ref)}>`;
  return JSON.stringify(value);
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for each allow-listed resource wildcard of the stack's IAM
 * roles and policies, with the allow-list's reason. A wildcard not on the list stays unacknowledged, so the
 * cdk-nag test fails on it. Run late (a stack validation) so every statement has been added.
 */
export function acknowledgeAllowListedWildcards(stack: Stack): void {
  for (const construct of stack.node.findAll()) {
    if (construct instanceof CfnPolicy) {
      acknowledgeDocument(construct, 'AWS::IAM::Policy', stack.resolve(construct.policyDocument));
    } else if (construct instanceof CfnRole) {
      const policies = asArray(
        stack.resolve(construct.policies) as Array<{ policyDocument: unknown }> | undefined,
      );
      for (const policy of policies) {
        acknowledgeDocument(construct, 'AWS::IAM::Role', stack.resolve(policy.policyDocument));
      }
    }
  }
}

function acknowledgeDocument(
  construct: IConstruct,
  type: string,
  document: { Statement?: Statement[] },
): void {
  for (const statement of asArray(document.Statement)) {
    if (statement.Effect !== 'Allow') continue;
    const actions = asArray(statement.Action);
    for (const resource of asArray(statement.Resource).map(flattenReference)) {
      if (!resource.includes('*')) continue;
      const entry = allowListEntryFor(type, actions, resource);
      if (entry) {
        Validations.of(construct).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${resource}]`,
          reason: `${entry.id}: ${entry.reason}`,
        });
      }
    }
  }
}
