import { randomUUID } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Clock } from '../clock.js';
import type { CodeDeployService } from '../codedeploy.js';
import { AwsError, validationError } from '../errors.js';
import type { Faults } from '../faults.js';
import type { LambdaService } from '../lambda.js';
import { partitionOf } from '../partition.js';
import { type Params, queryList } from '../protocols.js';
import { computeChangeSet, symbolicResources } from './changes.js';
import { StackLifecycle } from './lifecycle.js';
import { motoClients } from './resources.js';
import {
  type ChangeSet,
  type CloudFormationContext,
  isDeleted,
  type ResourceState,
  type Stack,
} from './stack.js';
import { StaleReads } from './stale-reads.js';
import { parseTemplate, resolveParameters, type Template } from './template.js';

/**
 * CloudFormation's API (awsQuery): each operation validated as AWS validates it, then handed to the
 * stack's lifecycle (lifecycle.ts) or answered from the records (stack.ts). Change sets are computed by
 * changes.ts; resources are brought to a template by convergence.ts.
 *
 * Operations: what the CLI (src/), the stock CDK CLI (`cdk deploy`/`cdk destroy`, and ListChangeSets when
 * it diagnoses a failed deploy) and the tests' `aws` CLI call, plus ListStackResources (the documented
 * way to read more than 100 resources).
 */
const TEMPLATE_BODY_LIMIT = 51_200;
const EVENTS_PAGE = 100;
/** Time CloudFormation takes to compute a change set (fake ms). */
const CHANGE_SET_DELAY_MS = 1000;

export interface CloudFormationDeps {
  clock: Clock;
  faults: Faults;
  lambda: LambdaService;
  codedeploy: CodeDeployService;
  region: string;
  accountId: string;
  motoEndpoint: string;
  resourceDurations: Record<string, number>;
}

export class CloudFormationService {
  readonly xmlns = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
  readonly #ctx: CloudFormationContext;
  readonly #lifecycle: StackLifecycle;
  /** Reads that may lag a write (faults.lagReads): DescribeStacks, DescribeStackResources, ListStackResources. */
  readonly #stale = new StaleReads();

  constructor(deps: CloudFormationDeps) {
    this.#ctx = {
      clock: deps.clock,
      faults: deps.faults,
      lambda: deps.lambda,
      codedeploy: deps.codedeploy,
      region: deps.region,
      accountId: deps.accountId,
      moto: motoClients(deps.motoEndpoint, deps.region),
      resourceDurations: deps.resourceDurations,
      stacks: [],
      changeSetsById: new Map(),
    };
    this.#lifecycle = new StackLifecycle(this.#ctx);
  }

  reset(): void {
    this.#ctx.stacks.length = 0;
    this.#ctx.changeSetsById.clear();
    this.#stale.clear();
  }

  /** Puts a stack in an in-progress state for `forMs` (another operation running), then back. */
  /** The stacks that exist (not deleted) with their tags, as the Resource Groups Tagging API lists them. */
  taggedStacks(): Array<{ arn: string; tags: Array<{ Key: string; Value: string }> }> {
    return this.#ctx.stacks.filter((s) => !isDeleted(s)).map((s) => ({ arn: s.stackId, tags: s.tags }));
  }

  makeBusy(stackName: string, forMs: number, status = 'UPDATE_IN_PROGRESS'): void {
    this.#lifecycle.makeBusy(this.#stack(stackName), forMs, status);
  }

  /** The stack's status and each resource's, for a test's `clock.pauseWhen()` (undefined: no such stack). */
  inspect(
    stackName: string,
  ): { status: string; resources: Array<{ logicalId: string; type: string; status: string }> } | undefined {
    const stack = this.#ctx.stacks.find((s) => s.stackName === stackName && s.status !== 'DELETE_COMPLETE');
    if (!stack) return undefined;
    const resources = [...stack.resources.values()].map((r) => ({
      logicalId: r.logicalId,
      type: r.type,
      status: r.status,
    }));
    return { status: stack.status, resources };
  }

  async call(action: string, params: Params): Promise<Params | undefined | null> {
    switch (action) {
      case 'CreateChangeSet':
        return this.#createChangeSet(params);
      case 'DescribeChangeSet':
        return this.#describeChangeSet(this.#changeSet(params.ChangeSetName, params.StackName));
      case 'ExecuteChangeSet':
        this.#executeChangeSet(params);
        return {};
      case 'DeleteChangeSet': {
        // "The delete request is successful as long as the stack exists (even if the change set does not
        // exist)": the CDK toolkit relies on it (aws/aws-cdk-cli, toolkit-lib cfn-api.ts, cleanupOldChangeset);
        // the API reference declares no ChangeSetNotFound for DeleteChangeSet. A missing stack is a
        // ValidationError (recorded: change-set-errors.json).
        if (!String(params.ChangeSetName ?? '').startsWith('arn:')) {
          if (!params.StackName) {
            throw validationError('StackName must be specified if ChangeSetName is not specified as an ARN.');
          }
          const stack = this.#stack(params.StackName, false, bracketed);
          if (!stack.changeSets.has(params.ChangeSetName)) return {};
        }
        const cs = this.#changeSet(params.ChangeSetName, params.StackName);
        const stack = this.#stackOfChangeSet(cs);
        if (cs.executionStatus === 'EXECUTE_IN_PROGRESS') {
          throw new AwsError(
            'InvalidChangeSetStatus',
            `Cannot delete ChangeSet in status ${cs.executionStatus}`,
          );
        }
        stack.changeSets.delete(cs.name);
        this.#ctx.changeSetsById.delete(cs.id);
        return {};
      }
      case 'ListChangeSets': {
        const stack = this.#stack(params.StackName);
        return {
          Summaries: [...stack.changeSets.values()].map((cs) => ({
            StackId: stack.stackId,
            StackName: stack.stackName,
            ChangeSetId: cs.id,
            ChangeSetName: cs.name,
            ExecutionStatus: cs.executionStatus,
            Status: cs.status,
            ...(cs.statusReason ? { StatusReason: cs.statusReason } : {}),
            CreationTime: new Date(cs.creationTime),
            ...(cs.description ? { Description: cs.description } : {}),
            IncludeNestedStacks: false,
          })),
        };
      }
      case 'DescribeStacks':
        return this.#lagging(action, params, () => ({ Stacks: this.#describeStacks(params.StackName) }));
      case 'DescribeStackEvents': {
        const stack = this.#stack(params.StackName, true, bracketed);
        const events = [...stack.events].reverse();
        const start = Number(params.NextToken ?? 0) || 0;
        const next = start + EVENTS_PAGE < events.length ? String(start + EVENTS_PAGE) : undefined;
        return {
          StackEvents: events.slice(start, start + EVENTS_PAGE),
          ...(next ? { NextToken: next } : {}),
        };
      }
      case 'DescribeStackResources':
        return this.#lagging(action, params, () => {
          const stack = this.#stack(params.StackName, true);
          return {
            StackResources: [...stack.resources.values()]
              .filter((r) => !params.LogicalResourceId || r.logicalId === params.LogicalResourceId)
              .map((r) => resourceView(r, 'Timestamp', stack)),
          };
        });
      case 'ListStackResources':
        return this.#lagging(action, params, () => {
          const stack = this.#stack(params.StackName, true);
          return {
            StackResourceSummaries: [...stack.resources.values()].map((r) =>
              resourceView(r, 'LastUpdatedTimestamp'),
            ),
          };
        });
      case 'GetTemplate': {
        if (params.ChangeSetName) {
          return {
            TemplateBody: this.#changeSet(params.ChangeSetName, params.StackName).templateBody,
            StagesAvailable: ['Original', 'Processed'],
          };
        }
        const stack = this.#stack(params.StackName, true);
        return { TemplateBody: stack.templateBody ?? '{}', StagesAvailable: ['Original', 'Processed'] };
      }
      case 'DeleteStack': {
        let stack: Stack;
        try {
          stack = this.#stack(params.StackName, true);
        } catch {
          return {}; // DeleteStack of a stack that does not exist succeeds silently, as in AWS.
        }
        this.#lifecycle.delete(
          stack,
          params.ClientRequestToken,
          new Set(queryList<string>(params.RetainResources)),
        );
        return {};
      }
      case 'UpdateTerminationProtection': {
        const stack = this.#stack(params.StackName);
        stack.terminationProtection = String(params.EnableTerminationProtection) === 'true';
        return { StackId: stack.stackId };
      }
      case 'CancelUpdateStack':
        this.#lifecycle.cancelUpdate(this.#stack(params.StackName), params.ClientRequestToken);
        return {};
      case 'ContinueUpdateRollback':
        this.#lifecycle.continueUpdateRollback(
          this.#stack(params.StackName),
          new Set(queryList<string>(params.ResourcesToSkip)),
          params.ClientRequestToken,
        );
        return {};
      default:
        return null;
    }
  }

  /** A read as eventual consistency serves it (the fresh answer when no lag is set). */
  #lagging(action: string, params: Params, fresh: () => Params): Params {
    const key = `${action}|${params.StackName ?? ''}|${params.LogicalResourceId ?? ''}`;
    return this.#stale.read(key, this.#ctx.faults.readLag, fresh);
  }

  // --- lookups ---

  /**
   * A stack by name (the live one) or by id (also a deleted one, when `includeDeleted`). AWS words the
   * missing stack differently by operation: "Stack with id X does not exist" (DescribeStacks) or
   * "Stack [X] does not exist" (DescribeStackEvents, DeleteChangeSet), both recorded.
   */
  #stack(nameOrId: string | undefined, includeDeleted = false, missing = withId): Stack {
    if (!nameOrId)
      throw validationError(
        "1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null",
      );
    const byId = nameOrId.startsWith('arn:');
    const stack = [...this.#ctx.stacks]
      .reverse()
      .find((s) => (byId ? s.stackId === nameOrId : s.stackName === nameOrId && !isDeleted(s)));
    if (!stack || (isDeleted(stack) && !(byId && includeDeleted))) throw validationError(missing(nameOrId));
    return stack;
  }

  #changeSet(nameOrArn: string | undefined, stackName: string | undefined): ChangeSet {
    if (nameOrArn?.startsWith('arn:')) {
      const found = this.#ctx.changeSetsById.get(nameOrArn);
      if (found) return found.changeSet;
      throw new AwsError('ChangeSetNotFound', `ChangeSet [${nameOrArn}] does not exist`, 404);
    }
    if (!stackName)
      throw validationError('StackName must be specified if ChangeSetName is not specified as an ARN.');
    let stack: Stack;
    try {
      stack = this.#stack(stackName);
    } catch {
      throw new AwsError('ChangeSetNotFound', `ChangeSet [${nameOrArn}] does not exist`, 404);
    }
    const cs = stack.changeSets.get(nameOrArn ?? '');
    if (!cs) throw new AwsError('ChangeSetNotFound', `ChangeSet [${nameOrArn}] does not exist`, 404);
    return cs;
  }

  #stackOfChangeSet(cs: ChangeSet): Stack {
    return this.#ctx.changeSetsById.get(cs.id)?.stack as Stack;
  }

  // --- change sets ---

  async #templateOf(params: Params): Promise<{ template: Template; body: string }> {
    let body: string;
    if (params.TemplateBody !== undefined) {
      body = String(params.TemplateBody);
      // 51,200 bytes (CreateChangeSet API reference: "a maximum length of 51,200 bytes"), not characters.
      if (Buffer.byteLength(body, 'utf8') > TEMPLATE_BODY_LIMIT) {
        throw validationError(
          `1 validation error detected: Value '${body.slice(0, 40)}...' at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${TEMPLATE_BODY_LIMIT}`,
        );
      }
    } else if (params.TemplateURL) {
      body = await this.#fetchTemplate(String(params.TemplateURL));
    } else if (params.UsePreviousTemplate === 'true') {
      const stack = this.#stack(params.StackName);
      body = stack.templateBody ?? '';
    } else {
      throw validationError('Either Template URL or Template Body must be specified.');
    }
    return { template: parseTemplate(body), body };
  }

  /** S3 template URLs (path or virtual-hosted style, any region) are read from the S3 endpoint (moto). */
  async #fetchTemplate(url: string): Promise<string> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw validationError('TemplateURL must be a supported URL.');
    }
    const host = parsed.hostname;
    const path = decodeURIComponent(parsed.pathname.slice(1));
    let bucket: string;
    let key: string;
    const virtual = /^(.+)\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?$/.exec(host);
    if (virtual) {
      bucket = virtual[1] as string;
      key = path;
    } else if (
      /^s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?$/.test(host) ||
      host === '127.0.0.1' ||
      host === 'localhost'
    ) {
      [bucket, key] = [path.split('/')[0] as string, path.split('/').slice(1).join('/')];
    } else {
      throw validationError('TemplateURL must be a supported URL.');
    }
    try {
      const object = await this.#ctx.moto.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await (object.Body as { transformToString(): Promise<string> }).transformToString();
    } catch (error) {
      const e = error as Error;
      throw validationError(
        `S3 error: ${e.name === 'NoSuchKey' ? 'The specified key does not exist.' : e.message}`,
      );
    }
  }

  async #createChangeSet(params: Params): Promise<Params> {
    const { clock, region, accountId } = this.#ctx;
    const { partition } = partitionOf(region);
    const stackName = String(params.StackName ?? '');
    const name = String(params.ChangeSetName ?? '');
    if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(name)) {
      throw validationError(
        `1 validation error detected: Value '${name}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(stackName) && !stackName.startsWith('arn:')) {
      throw validationError(
        `1 validation error detected: Value '${stackName}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*`,
      );
    }
    const type = (params.ChangeSetType ?? 'UPDATE') as 'CREATE' | 'UPDATE';
    // By id: that stack, deleted or not; by name: the live one.
    const existing = stackName.startsWith('arn:')
      ? this.#ctx.stacks.find((s) => s.stackId === stackName)
      : [...this.#ctx.stacks].reverse().find((s) => s.stackName === stackName && !isDeleted(s));
    if (type === 'CREATE' && existing && existing.status !== 'REVIEW_IN_PROGRESS') {
      // Recorded (change-set-name-conflicts.json, change-set-review-accepts-operations.json): a ValidationError,
      // for a live stack by name and for a deleted one by id.
      throw validationError(
        `Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`,
      );
    }
    if (type === 'CREATE' && !existing && stackName.startsWith('arn:')) {
      throw validationError(`Stack [${stackName}] does not exist`);
    }
    if (type === 'UPDATE') {
      if (!existing) throw validationError(`Stack [${stackName}] does not exist`);
      if (existing.status === 'REVIEW_IN_PROGRESS') {
        throw validationError(`Stack [${stackName}] does not exist`);
      }
      if (
        ![
          'CREATE_COMPLETE',
          'UPDATE_COMPLETE',
          'UPDATE_ROLLBACK_COMPLETE',
          'IMPORT_COMPLETE',
          'IMPORT_ROLLBACK_COMPLETE',
        ].includes(existing.status)
      ) {
        throw validationError(
          `Stack:${existing.stackId} is in ${existing.status} state and can not be updated.`,
        );
      }
    }
    // A name is taken by a change set not yet executed; an executed one's name can be used again
    // (recorded: stack-events-create-update-delete.json reuses it for the update).
    const taken = existing?.changeSets.get(name);
    if (taken && !taken.executionStatus.startsWith('EXECUTE')) {
      throw new AwsError('AlreadyExistsException', `ChangeSet ${name} already exists`);
    }
    const { template, body } = await this.#templateOf(params);
    const parameters = resolveParameters(template, queryList(params.Parameters), existing?.parameters ?? {});
    const capabilities = queryList<string>(params.Capabilities);
    const missing = requiredCapabilities(template).filter(
      (c) =>
        !capabilities.includes(c) &&
        !(c === 'CAPABILITY_IAM' && capabilities.includes('CAPABILITY_NAMED_IAM')),
    );
    if (missing.length > 0) {
      throw new AwsError(
        'InsufficientCapabilitiesException',
        `Requires capabilities : [${missing.join(', ')}]`,
      );
    }
    // Evaluate now so template errors (unknown references, bad conditions) are answered synchronously.
    const next = symbolicResources(this.#ctx, { template, parameters }, existing?.stackName ?? stackName);

    const stack =
      existing ??
      this.#lifecycle.open(
        stackName,
        `arn:${partition}:cloudformation:${region}:${accountId}:stack/${stackName}/${randomUUID()}`,
      );
    const cs: ChangeSet = {
      id: `arn:${partition}:cloudformation:${region}:${accountId}:changeSet/${name}/${randomUUID()}`,
      name,
      type,
      status: 'CREATE_PENDING',
      executionStatus: 'UNAVAILABLE',
      creationTime: clock.now(),
      description: params.Description,
      template,
      templateBody: body,
      parameters,
      tags: queryList<{ Key: string; Value: string }>(params.Tags),
      capabilities,
      changes: [],
    };
    stack.changeSets.set(name, cs);
    this.#ctx.changeSetsById.set(cs.id, { changeSet: cs, stack });
    clock.schedule(0, () => {
      if (cs.status === 'CREATE_PENDING') cs.status = 'CREATE_IN_PROGRESS';
    });
    clock.schedule(CHANGE_SET_DELAY_MS, () => {
      if (stack.changeSets.get(name) !== cs) return;
      computeChangeSet(this.#ctx, stack, cs, next);
    });
    return { Id: cs.id, StackId: stack.stackId };
  }

  #executeChangeSet(params: Params): void {
    const cs = this.#changeSet(params.ChangeSetName, params.StackName);
    const stack = this.#stackOfChangeSet(cs);
    if (cs.status !== 'CREATE_COMPLETE' || cs.executionStatus !== 'AVAILABLE') {
      throw new AwsError(
        'InvalidChangeSetStatus',
        `ChangeSet [${cs.id}] cannot be executed in its current status of [${cs.status === 'CREATE_COMPLETE' ? cs.executionStatus : cs.status}]`,
      );
    }
    if (
      cs.type === 'UPDATE' &&
      !['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'].includes(stack.status)
    ) {
      throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    }
    this.#lifecycle.execute(stack, cs, {
      disableRollback: String(params.DisableRollback) === 'true',
      clientRequestToken: params.ClientRequestToken,
    });
  }

  // --- views ---

  #describeChangeSet(cs: ChangeSet): Params {
    const stack = this.#stackOfChangeSet(cs);
    return {
      ChangeSetName: cs.name,
      ChangeSetId: cs.id,
      StackId: stack.stackId,
      StackName: stack.stackName,
      ...(cs.description ? { Description: cs.description } : {}),
      ...(Object.keys(cs.parameters).length > 0
        ? { Parameters: parameterList(cs.template, cs.parameters) }
        : {}),
      CreationTime: new Date(cs.creationTime),
      ExecutionStatus: cs.executionStatus,
      Status: cs.status,
      ...(cs.statusReason ? { StatusReason: cs.statusReason } : {}),
      NotificationARNs: [],
      RollbackConfiguration: {},
      Capabilities: cs.capabilities,
      ...(cs.tags.length > 0 ? { Tags: cs.tags } : {}),
      Changes: cs.changes,
      IncludeNestedStacks: false,
    };
  }

  #describeStacks(name: string | undefined): Params[] {
    const stacks = name ? [this.#stack(name, true)] : this.#ctx.stacks.filter((s) => !isDeleted(s));
    // Members AWS leaves out rather than sending empty (recorded: change-set-create-on-new-stack.json,
    // stack-lifecycle.json, describe-deleted-stack.json).
    return stacks.map((s) => ({
      StackId: s.stackId,
      StackName: s.stackName,
      ...(s.executedChangeSetId && !isDeleted(s) ? { ChangeSetId: s.executedChangeSetId } : {}),
      ...(s.description ? { Description: s.description } : {}),
      ...(s.template && Object.keys(s.parameters).length > 0
        ? { Parameters: parameterList(s.template, s.parameters) }
        : {}),
      CreationTime: new Date(s.creationTime),
      ...(s.deletionTime ? { DeletionTime: new Date(s.deletionTime) } : {}),
      ...(s.lastUpdatedTime ? { LastUpdatedTime: new Date(s.lastUpdatedTime) } : {}),
      RollbackConfiguration: {},
      StackStatus: s.status,
      ...(s.statusReason ? { StackStatusReason: s.statusReason } : {}),
      DisableRollback: s.disableRollback,
      NotificationARNs: [],
      ...(s.capabilities.length > 0 ? { Capabilities: s.capabilities } : {}),
      ...(s.outputs.length > 0 && !s.status.startsWith('ROLLBACK') && s.status !== 'REVIEW_IN_PROGRESS'
        ? { Outputs: s.outputs }
        : {}),
      Tags: s.tags,
      ...(isDeleted(s) ? {} : { EnableTerminationProtection: s.terminationProtection }),
      DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
    }));
  }
}

const withId = (nameOrId: string) => `Stack with id ${nameOrId} does not exist`;
const bracketed = (nameOrId: string) => `Stack [${nameOrId}] does not exist`;

function parameterList(template: Template, parameters: Record<string, string>): Params[] {
  return Object.entries(parameters).map(([key, value]) => ({
    ParameterKey: key,
    ParameterValue: String(template.Parameters?.[key]?.NoEcho) === 'true' ? '****' : value,
  }));
}

/** A resource as DescribeStackResources/ListStackResources show it (the timestamp member's name differs). */
function resourceView(
  r: ResourceState,
  timestamp: 'Timestamp' | 'LastUpdatedTimestamp',
  stack?: Stack,
): Params {
  return {
    ...(stack ? { StackName: stack.stackName, StackId: stack.stackId } : {}),
    LogicalResourceId: r.logicalId,
    ...(r.physicalId ? { PhysicalResourceId: r.physicalId } : {}),
    ResourceType: r.type,
    [timestamp]: new Date(r.timestamp),
    ResourceStatus: r.status,
    ...(r.statusReason ? { ResourceStatusReason: r.statusReason } : {}),
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
  };
}

/** IAM resource types, and the property that names one (a name needs CAPABILITY_NAMED_IAM). */
const IAM_TYPES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::Policy': '',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::AccessKey': '',
  'AWS::IAM::UserToGroupAddition': '',
};

function requiredCapabilities(template: Template): string[] {
  let iam = false;
  let named = false;
  for (const resource of Object.values(template.Resources)) {
    const nameKey = IAM_TYPES[resource.Type];
    if (nameKey === undefined) continue;
    iam = true;
    if (nameKey && resource.Properties?.[nameKey] !== undefined) named = true;
  }
  const capabilities = named ? ['CAPABILITY_NAMED_IAM'] : iam ? ['CAPABILITY_IAM'] : [];
  if (template.Transform) capabilities.push('CAPABILITY_AUTO_EXPAND');
  return capabilities;
}
