import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { CodeDeployService } from '../codedeploy.js';
import type { Faults } from '../faults.js';
import type { LambdaService } from '../lambda.js';
import { partitionOf } from '../partition.js';
import type { Params } from '../protocols.js';
import { type MotoClients, ResourceFailure } from './resources.js';
import type { EvalContext, Json, Template } from './template.js';

/**
 * What the fake CloudFormation knows about a stack (its record, its change sets, its resources), how it
 * writes events, and how a stack's template is evaluated. The four parts that act on these records:
 * api.ts (operations), lifecycle.ts (create/update/delete/rollback), convergence.ts (resources brought to a
 * template), changes.ts (a change set's diff).
 */
export interface ResourceState {
  logicalId: string;
  type: string;
  physicalId?: string;
  status: string;
  statusReason?: string;
  timestamp: number;
  properties: Record<string, Json>;
  attributes: Record<string, Json>;
  deps: string[];
  deletionPolicy?: string;
  updateReplacePolicy?: string;
}

export interface Desired {
  template: Template;
  parameters: Record<string, string>;
}

export interface ChangeSet {
  id: string;
  name: string;
  type: 'CREATE' | 'UPDATE';
  status: string;
  executionStatus: string;
  statusReason?: string;
  creationTime: number;
  description?: string;
  template: Template;
  templateBody: string;
  parameters: Record<string, string>;
  tags: { Key: string; Value: string }[];
  capabilities: string[];
  changes: Params[];
}

export interface Stack {
  stackId: string;
  stackName: string;
  status: string;
  statusReason?: string;
  creationTime: number;
  lastUpdatedTime?: number;
  /** Set when a delete (or the rollback of a failed create) begins, as AWS shows it from then on. */
  deletionTime?: number;
  description?: string;
  template?: Template;
  templateBody?: string;
  parameters: Record<string, string>;
  tags: { Key: string; Value: string }[];
  capabilities: string[];
  terminationProtection: boolean;
  disableRollback: boolean;
  outputs: Params[];
  resources: Map<string, ResourceState>;
  orphans: ResourceState[];
  events: Params[];
  /** Change sets by name: pending ones, and executed ones until a new one takes the name or they are deleted. */
  changeSets: Map<string, ChangeSet>;
  /** The change set that made the stack what it is (DescribeStacks' ChangeSetId). */
  executedChangeSetId?: string;
  previous?: Desired & { templateBody: string; outputs: Params[] };
  runner?: Runner;
  /** The ClientRequestToken of the operation in progress: its events carry it. */
  clientRequestToken?: string;
}

/** One pass that brings the stack's resources to a desired template (creates and updates). */
export interface Runner {
  cancel(reason: string): void;
}

/** What every part of the fake CloudFormation works with: one account's stacks in one region. */
export interface CloudFormationContext {
  clock: Clock;
  faults: Faults;
  lambda: LambdaService;
  codedeploy: CodeDeployService;
  region: string;
  accountId: string;
  moto: MotoClients;
  resourceDurations: Record<string, number>;
  /** Every stack of this account and region, oldest first (deleted ones too). */
  stacks: Stack[];
  /**
   * Every change set by its ARN, with its stack: an executed one stays describable by ARN, also once its
   * stack is deleted (recorded: change-set-name-conflicts.json); deleted ones leave.
   */
  changeSetsById: Map<string, { changeSet: ChangeSet; stack: Stack }>;
}

/** A stack that is gone: only its id still describes it. */
export const isDeleted = (stack: Stack) => stack.status === 'DELETE_COMPLETE';

export const desiredOf = (stack: Stack): Desired => ({
  template: stack.template as Template,
  parameters: stack.parameters,
});

// --- events ---

export function setStatus(ctx: CloudFormationContext, stack: Stack, status: string, reason?: string): void {
  stack.status = status;
  stack.statusReason = reason;
  stackEvent(ctx, stack, status, reason);
}

export function stackEvent(ctx: CloudFormationContext, stack: Stack, status: string, reason?: string): void {
  stack.events.push({
    StackId: stack.stackId,
    EventId: randomUUID(),
    StackName: stack.stackName,
    LogicalResourceId: stack.stackName,
    PhysicalResourceId: stack.stackId,
    ResourceType: 'AWS::CloudFormation::Stack',
    Timestamp: ctx.clock.date(),
    ResourceStatus: status,
    ...(reason ? { ResourceStatusReason: reason } : {}),
    ...(stack.clientRequestToken ? { ClientRequestToken: stack.clientRequestToken } : {}),
  });
}

export function resourceEvent(
  ctx: CloudFormationContext,
  stack: Stack,
  resource: ResourceState,
  status: string,
  reason?: string,
  properties?: Json,
): void {
  if (
    !resource.status.startsWith('DELETE') ||
    status.startsWith('DELETE') ||
    stack.resources.get(resource.logicalId) === resource
  ) {
    resource.status = status;
    resource.statusReason = reason;
    resource.timestamp = ctx.clock.now();
  }
  stack.events.push({
    StackId: stack.stackId,
    EventId: `${resource.logicalId}-${status}-${randomUUID()}`,
    StackName: stack.stackName,
    LogicalResourceId: resource.logicalId,
    PhysicalResourceId: resource.physicalId ?? '',
    ResourceType: resource.type,
    Timestamp: ctx.clock.date(),
    ResourceStatus: status,
    ...(reason ? { ResourceStatusReason: reason } : {}),
    ...(properties ? { ResourceProperties: JSON.stringify(properties) } : {}),
    ...(stack.clientRequestToken ? { ClientRequestToken: stack.clientRequestToken } : {}),
  });
}

// --- evaluation ---

/** The evaluation context of a template without resources (pseudo parameters, conditions, imports). */
export function baseContext(
  ctx: CloudFormationContext,
  desired: Desired,
  stackName: string,
  stackId?: string,
): Omit<EvalContext, 'ref' | 'getAtt'> {
  const { region, accountId } = ctx;
  const { partition, urlSuffix } = partitionOf(region);
  const template = desired.template;
  return {
    parameters: desired.parameters,
    parameterTypes: Object.fromEntries(
      Object.entries(template.Parameters ?? {}).map(([k, p]) => [k, p.Type]),
    ),
    pseudo: {
      'AWS::AccountId': accountId,
      'AWS::Region': region,
      'AWS::Partition': partition,
      'AWS::URLSuffix': urlSuffix,
      'AWS::StackName': stackName,
      'AWS::StackId':
        stackId ?? `arn:${partition}:cloudformation:${region}:${accountId}:stack/${stackName}/pending`,
      'AWS::NotificationARNs': [] as unknown as string,
    },
    mappings: template.Mappings,
    conditions: template.Conditions ?? {},
    isResource: (id) => id in template.Resources,
    importValue: (name) => {
      for (const s of ctx.stacks) {
        if (isDeleted(s)) continue;
        const found = s.outputs.find((o) => o.ExportName === name);
        if (found) return found.OutputValue;
      }
      return undefined;
    },
  };
}

/** The evaluation context of a stack's template against its resources as they are now. */
export function stackContext(ctx: CloudFormationContext, stack: Stack, desired: Desired): EvalContext {
  return {
    ...baseContext(ctx, desired, stack.stackName, stack.stackId),
    ref: (id) => stack.resources.get(id)?.physicalId,
    getAtt: (id, attribute) => {
      const resource = stack.resources.get(id);
      const value = resource?.attributes[attribute];
      if (value === undefined) {
        throw new ResourceFailure(
          `Template error: resource ${id} does not support attribute type ${attribute} in Fn::GetAtt`,
        );
      }
      return value;
    },
  };
}

export const equal = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

export function changedKeys(before: Record<string, Json>, after: Record<string, Json>): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((key) => !equal(before?.[key], after?.[key]));
}
