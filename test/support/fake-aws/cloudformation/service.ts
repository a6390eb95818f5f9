import { randomUUID } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Clock } from '../clock.js';
import type { CodeDeployService } from '../codedeploy.js';
import { AwsError, validationError } from '../errors.js';
import type { Faults } from '../faults.js';
import type { LambdaService } from '../lambda.js';
import { type Params, queryList } from '../protocols.js';
import {
  CUSTOM_NAME,
  createResource,
  deleteResource,
  type MotoClients,
  motoClients,
  type ProvisionContext,
  ResourceFailure,
  replacingProperties,
  updateResource,
} from './resources.js';
import {
  activeResources,
  conditionHolds,
  type EvalContext,
  evaluate,
  type Json,
  parseTemplate,
  referencedResources,
  resolveParameters,
  symbolicContext,
  type Template,
} from './template.js';

/**
 * CloudFormation (awsQuery) as a state machine driven by the submitted template: change sets computed by
 * comparing templates and parameters, execution that creates/updates/deletes resources in dependency
 * order on the fake clock with per-resource events, rollback, cleanup, termination protection.
 */
export const EMPTY_CHANGE_SET_REASON =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

const TEMPLATE_BODY_LIMIT = 51_200;
const EVENTS_PAGE = 100;
/** Time CloudFormation takes to compute a change set (fake ms). */
const CHANGE_SET_DELAY_MS = 1000;
const DEFAULT_RESOURCE_MS = 2000;

interface ResourceState {
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

interface Desired {
  template: Template;
  parameters: Record<string, string>;
}

interface ChangeSet {
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

interface Stack {
  stackId: string;
  stackName: string;
  status: string;
  statusReason?: string;
  creationTime: number;
  lastUpdatedTime?: number;
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
  changeSets: Map<string, ChangeSet>;
  previous?: Desired & { templateBody: string; outputs: Params[] };
  runner?: Runner;
  /** The ClientRequestToken of the operation in progress: its events carry it. */
  clientRequestToken?: string;
}

/** One pass that brings the stack's resources to a desired template (creates and updates). */
interface Runner {
  cancel(reason: string): void;
}

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
  #stacks: Stack[] = [];
  #moto: MotoClients;

  constructor(private readonly deps: CloudFormationDeps) {
    this.#moto = motoClients(deps.motoEndpoint, deps.region);
  }

  reset(): void {
    this.#stacks = [];
  }

  /** Puts a stack in an in-progress state for `forMs` (another operation running), then back. */
  makeBusy(stackName: string, forMs: number, status = 'UPDATE_IN_PROGRESS'): void {
    const stack = this.#stack(stackName);
    const settled = status.replace('IN_PROGRESS', 'COMPLETE');
    this.#setStatus(stack, status, 'User Initiated');
    this.deps.clock.schedule(forMs, () => {
      if (stack.status === status) this.#setStatus(stack, settled);
    });
  }

  /** The stack's status and each resource's, for a test's `clock.pauseWhen()` (undefined: no such stack). */
  inspect(
    stackName: string,
  ): { status: string; resources: Array<{ logicalId: string; type: string; status: string }> } | undefined {
    const stack = this.#stacks.find((s) => s.stackName === stackName && s.status !== 'DELETE_COMPLETE');
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
        const cs = this.#changeSet(params.ChangeSetName, params.StackName);
        const stack = this.#stackOfChangeSet(cs);
        if (cs.executionStatus === 'EXECUTE_IN_PROGRESS') {
          throw new AwsError(
            'InvalidChangeSetStatus',
            `Cannot delete ChangeSet in status ${cs.executionStatus}`,
          );
        }
        stack.changeSets.delete(cs.name);
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
        return { Stacks: this.#describeStacks(params.StackName) };
      case 'ListStacks': {
        const filter = queryList<string>(params.StackStatusFilter);
        return {
          StackSummaries: [...this.#stacks]
            .reverse()
            .filter((s) => filter.length === 0 || filter.includes(s.status))
            .map((s) => ({
              StackId: s.stackId,
              StackName: s.stackName,
              CreationTime: new Date(s.creationTime),
              ...(s.lastUpdatedTime ? { LastUpdatedTime: new Date(s.lastUpdatedTime) } : {}),
              ...(s.deletionTime ? { DeletionTime: new Date(s.deletionTime) } : {}),
              StackStatus: s.status,
              ...(s.statusReason ? { StackStatusReason: s.statusReason } : {}),
              ...(s.description ? { TemplateDescription: s.description } : {}),
              DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
            })),
        };
      }
      case 'DescribeStackEvents': {
        const stack = this.#stack(params.StackName, true);
        const events = [...stack.events].reverse();
        const start = Number(params.NextToken ?? 0) || 0;
        const next = start + EVENTS_PAGE < events.length ? String(start + EVENTS_PAGE) : undefined;
        return {
          StackEvents: events.slice(start, start + EVENTS_PAGE),
          ...(next ? { NextToken: next } : {}),
        };
      }
      case 'DescribeStackResources': {
        const stack = this.#stack(params.StackName, true);
        return {
          StackResources: [...stack.resources.values()]
            .filter((r) => !params.LogicalResourceId || r.logicalId === params.LogicalResourceId)
            .map((r) => resourceView(r, 'Timestamp', stack)),
        };
      }
      case 'DescribeStackResource': {
        const stack = this.#stack(params.StackName, true);
        const r = stack.resources.get(params.LogicalResourceId);
        if (!r) {
          throw validationError(
            `Resource ${params.LogicalResourceId} does not exist for stack ${stack.stackName}`,
          );
        }
        return { StackResourceDetail: resourceView(r, 'LastUpdatedTimestamp', stack) };
      }
      case 'ListStackResources': {
        const stack = this.#stack(params.StackName, true);
        return {
          StackResourceSummaries: [...stack.resources.values()].map((r) =>
            resourceView(r, 'LastUpdatedTimestamp'),
          ),
        };
      }
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
      case 'ValidateTemplate': {
        const { template } = await this.#templateOf(params);
        return {
          Parameters: Object.entries(template.Parameters ?? {}).map(([key, p]) => ({
            ParameterKey: key,
            ...(p.Default !== undefined ? { DefaultValue: String(p.Default) } : {}),
            NoEcho: String(p.NoEcho) === 'true',
            ...(p.Description ? { Description: p.Description } : {}),
          })),
          ...(template.Description ? { Description: template.Description } : {}),
          Capabilities: requiredCapabilities(template),
          ...(requiredCapabilities(template).length
            ? { CapabilitiesReason: 'The following resource(s) require capabilities: [AWS::IAM::Role]' }
            : {}),
        };
      }
      case 'GetTemplateSummary': {
        const { template } = params.StackName
          ? { template: this.#stack(params.StackName).template as Template }
          : await this.#templateOf(params);
        return {
          Parameters: Object.entries(template.Parameters ?? {}).map(([key, p]) => ({
            ParameterKey: key,
            ...(p.Default !== undefined ? { DefaultValue: String(p.Default) } : {}),
            ParameterType: p.Type,
            NoEcho: String(p.NoEcho) === 'true',
            ...(p.Description ? { Description: p.Description } : {}),
            ParameterConstraints: p.AllowedValues ? { AllowedValues: p.AllowedValues.map(String) } : {},
          })),
          ...(template.Description ? { Description: template.Description } : {}),
          Capabilities: requiredCapabilities(template),
          ResourceTypes: [...new Set(Object.values(template.Resources).map((r) => r.Type))],
          Version: template.AWSTemplateFormatVersion ?? '2010-09-09',
          DeclaredTransforms: [],
          ResourceIdentifierSummaries: [],
        };
      }
      case 'DeleteStack':
        this.#deleteStack(params.StackName, params.ClientRequestToken);
        return {};
      case 'UpdateTerminationProtection': {
        const stack = this.#stack(params.StackName);
        stack.terminationProtection = String(params.EnableTerminationProtection) === 'true';
        return { StackId: stack.stackId };
      }
      case 'CancelUpdateStack': {
        const stack = this.#stack(params.StackName);
        if (stack.status !== 'UPDATE_IN_PROGRESS' || !stack.runner) {
          throw validationError(`CancelUpdateStack cannot be called from current stack status`);
        }
        if (params.ClientRequestToken) stack.clientRequestToken = params.ClientRequestToken;
        stack.runner.cancel('Resource update cancelled');
        return {};
      }
      case 'ContinueUpdateRollback':
        this.#continueUpdateRollback(params);
        return {};
      case 'ListExports':
        return {
          Exports: this.#stacks
            .filter((s) => !s.deletionTime)
            .flatMap((s) =>
              s.outputs
                .filter((o) => o.ExportName)
                .map((o) => ({ ExportingStackId: s.stackId, Name: o.ExportName, Value: o.OutputValue })),
            ),
        };
      default:
        return null;
    }
  }

  // --- lookups ---

  #stack(nameOrId: string | undefined, includeDeleted = false): Stack {
    if (!nameOrId)
      throw validationError(
        "1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null",
      );
    const byId = nameOrId.startsWith('arn:');
    const stack = [...this.#stacks]
      .reverse()
      .find((s) => (byId ? s.stackId === nameOrId : s.stackName === nameOrId && !s.deletionTime));
    if (!stack || (stack.deletionTime && !(byId && includeDeleted))) {
      throw validationError(`Stack with id ${nameOrId} does not exist`);
    }
    return stack;
  }

  #changeSet(nameOrArn: string | undefined, stackName: string | undefined): ChangeSet {
    if (nameOrArn?.startsWith('arn:')) {
      for (const stack of this.#stacks) {
        for (const cs of stack.changeSets.values()) if (cs.id === nameOrArn) return cs;
      }
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
    return this.#stacks.find((s) => [...s.changeSets.values()].includes(cs)) as Stack;
  }

  // --- change sets ---

  async #templateOf(params: Params): Promise<{ template: Template; body: string }> {
    let body: string;
    if (params.TemplateBody !== undefined) {
      body = String(params.TemplateBody);
      if (body.length > TEMPLATE_BODY_LIMIT) {
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
      const object = await this.#moto.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await (object.Body as { transformToString(): Promise<string> }).transformToString();
    } catch (error) {
      const e = error as Error;
      throw validationError(
        `S3 error: ${e.name === 'NoSuchKey' ? 'The specified key does not exist.' : e.message}`,
      );
    }
  }

  async #createChangeSet(params: Params): Promise<Params> {
    const { clock, region, accountId } = this.deps;
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
    const existing = this.#stacks.find(
      (s) => (s.stackName === stackName || s.stackId === stackName) && !s.deletionTime,
    );
    if (type === 'CREATE' && existing && existing.status !== 'REVIEW_IN_PROGRESS') {
      throw new AwsError(
        'AlreadyExistsException',
        `Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`,
      );
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
    if (existing?.changeSets.has(name)) {
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
    const desired = { template, parameters };
    const newSymbolic = this.#symbolicResources(desired, stackName);

    const stack =
      existing ??
      this.#newStack(
        stackName,
        `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/${randomUUID()}`,
      );
    const cs: ChangeSet = {
      id: `arn:aws:cloudformation:${region}:${accountId}:changeSet/${name}/${randomUUID()}`,
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
    clock.schedule(0, () => {
      if (cs.status === 'CREATE_PENDING') cs.status = 'CREATE_IN_PROGRESS';
    });
    clock.schedule(CHANGE_SET_DELAY_MS, () => {
      if (!stack.changeSets.has(name)) return;
      const old =
        type === 'UPDATE' && stack.template
          ? this.#symbolicResources({ template: stack.template, parameters: stack.parameters }, stackName)
          : undefined;
      cs.changes = computeChanges(old, newSymbolic, stack);
      const tagsChanged = type === 'UPDATE' && JSON.stringify(cs.tags) !== JSON.stringify(stack.tags);
      const outputsChanged =
        type === 'UPDATE' &&
        JSON.stringify(this.#symbolicOutputs(desired, stackName)) !==
          JSON.stringify(
            stack.template
              ? this.#symbolicOutputs({ template: stack.template, parameters: stack.parameters }, stackName)
              : {},
          );
      if (type === 'UPDATE' && cs.changes.length === 0 && !tagsChanged && !outputsChanged) {
        cs.status = 'FAILED';
        cs.statusReason = EMPTY_CHANGE_SET_REASON;
      } else {
        cs.status = 'CREATE_COMPLETE';
        cs.executionStatus = 'AVAILABLE';
      }
    });
    return { Id: cs.id, StackId: stack.stackId };
  }

  #newStack(stackName: string, stackId: string): Stack {
    const stack: Stack = {
      stackId,
      stackName,
      status: 'REVIEW_IN_PROGRESS',
      statusReason: 'User Initiated',
      creationTime: this.deps.clock.now(),
      parameters: {},
      tags: [],
      capabilities: [],
      terminationProtection: false,
      disableRollback: false,
      outputs: [],
      resources: new Map(),
      orphans: [],
      events: [],
      changeSets: new Map(),
    };
    this.#stacks.push(stack);
    this.#stackEvent(stack, 'REVIEW_IN_PROGRESS', 'User Initiated');
    return stack;
  }

  #describeChangeSet(cs: ChangeSet): Params {
    const stack = this.#stackOfChangeSet(cs);
    return {
      ChangeSetName: cs.name,
      ChangeSetId: cs.id,
      StackId: stack.stackId,
      StackName: stack.stackName,
      ...(cs.description ? { Description: cs.description } : {}),
      Parameters: this.#parameterList(cs.template, cs.parameters),
      CreationTime: new Date(cs.creationTime),
      ExecutionStatus: cs.executionStatus,
      Status: cs.status,
      ...(cs.statusReason ? { StatusReason: cs.statusReason } : {}),
      NotificationARNs: [],
      RollbackConfiguration: {},
      Capabilities: cs.capabilities,
      Tags: cs.tags,
      Changes: cs.changes,
      IncludeNestedStacks: false,
    };
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
    cs.executionStatus = 'EXECUTE_IN_PROGRESS';
    for (const other of stack.changeSets.values()) if (other !== cs) other.executionStatus = 'OBSOLETE';
    stack.disableRollback = String(params.DisableRollback) === 'true';
    stack.clientRequestToken = params.ClientRequestToken;
    if (cs.type === 'UPDATE') {
      stack.previous = {
        template: stack.template as Template,
        templateBody: stack.templateBody as string,
        parameters: stack.parameters,
        outputs: stack.outputs,
      };
    }
    stack.template = cs.template;
    stack.templateBody = cs.templateBody;
    stack.parameters = cs.parameters;
    stack.tags = cs.tags;
    stack.capabilities = cs.capabilities;
    stack.description = cs.template.Description;
    const done = (ok: boolean) => {
      cs.executionStatus = ok ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
      // Change sets are deleted once one is executed (all of the stack's, as AWS does).
      stack.changeSets.clear();
    };
    if (cs.type === 'CREATE') this.#runCreate(stack, done);
    else this.#runUpdate(stack, done);
  }

  // --- stack operations ---

  #runCreate(stack: Stack, done: (ok: boolean) => void): void {
    stack.changeSets.clear();
    this.#setStatus(stack, 'CREATE_IN_PROGRESS', 'User Initiated');
    this.#converge(stack, this.#desired(stack), 'forward', new Set(), (failed) => {
      if (failed.length === 0) {
        this.#computeOutputs(stack);
        this.#setStatus(stack, 'CREATE_COMPLETE');
        done(true);
        return;
      }
      done(false);
      const reason = `The following resource(s) failed to create: [${failed.join(', ')}]. `;
      if (stack.disableRollback) {
        this.#setStatus(stack, 'CREATE_FAILED', reason);
        return;
      }
      this.#setStatus(stack, 'ROLLBACK_IN_PROGRESS', `${reason}Rollback requested by user.`);
      this.#cleanup(stack, [...stack.resources.values()], 'rollback', (deleteFailed) => {
        if (deleteFailed.length > 0) {
          this.#setStatus(
            stack,
            'ROLLBACK_FAILED',
            `The following resource(s) failed to delete: [${deleteFailed.join(', ')}]. `,
          );
        } else {
          this.#setStatus(stack, 'ROLLBACK_COMPLETE');
        }
      });
    });
  }

  #runUpdate(stack: Stack, done: (ok: boolean) => void): void {
    stack.lastUpdatedTime = this.deps.clock.now();
    this.#setStatus(stack, 'UPDATE_IN_PROGRESS', 'User Initiated');
    const desired = this.#desired(stack);
    stack.runner = this.#converge(stack, desired, 'forward', new Set(), (failed, cancelled) => {
      stack.runner = undefined;
      if (failed.length === 0 && !cancelled) {
        this.#computeOutputs(stack);
        this.#setStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
        const active = new Set(activeResources(desired.template, this.#context(stack, desired)));
        const removed = [...stack.resources.values()].filter((r) => !active.has(r.logicalId));
        this.#cleanup(stack, [...stack.orphans, ...removed], 'forward', () => {
          stack.orphans = [];
          this.#setStatus(stack, 'UPDATE_COMPLETE');
          done(true);
        });
        return;
      }
      done(false);
      const verb = failed.some((id) => stack.resources.get(id)?.status === 'CREATE_FAILED')
        ? 'create'
        : 'update';
      const reason = cancelled
        ? 'Stack update cancelled'
        : `The following resource(s) failed to ${verb}: [${failed.join(', ')}]. `;
      if (stack.disableRollback && !cancelled) {
        this.#setStatus(stack, 'UPDATE_FAILED', reason);
        return;
      }
      this.#setStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', reason);
      this.#rollBackUpdate(stack, new Set());
    });
  }

  #rollBackUpdate(stack: Stack, skip: Set<string>): void {
    const previous = stack.previous as NonNullable<Stack['previous']>;
    stack.template = previous.template;
    stack.templateBody = previous.templateBody;
    stack.parameters = previous.parameters;
    stack.outputs = previous.outputs;
    const desired = { template: previous.template, parameters: previous.parameters };
    this.#converge(stack, desired, 'rollback', skip, (failed) => {
      if (failed.length > 0) {
        this.#setStatus(
          stack,
          'UPDATE_ROLLBACK_FAILED',
          `The following resource(s) failed to update: [${failed.join(', ')}]. `,
        );
        return;
      }
      this.#setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
      const active = new Set(activeResources(desired.template, this.#context(stack, desired)));
      const added = [...stack.resources.values()].filter((r) => !active.has(r.logicalId));
      this.#cleanup(stack, [...stack.orphans, ...added], 'rollback', () => {
        stack.orphans = [];
        this.#setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE');
      });
    });
  }

  #continueUpdateRollback(params: Params): void {
    const stack = this.#stack(params.StackName);
    if (stack.status !== 'UPDATE_ROLLBACK_FAILED') {
      throw validationError(
        `Stack ${stack.stackId} is in ${stack.status} state and cannot be continued to roll back. It must be in UPDATE_ROLLBACK_FAILED state.`,
      );
    }
    const skip = new Set(queryList<string>(params.ResourcesToSkip));
    for (const id of skip) {
      const resource = stack.resources.get(id);
      if (!resource?.status.endsWith('FAILED')) {
        throw validationError(
          `Nested stacks could not be rolled back or resource ${id} is not in a failed state: only resources in UPDATE_FAILED can be skipped`,
        );
      }
    }
    stack.clientRequestToken = params.ClientRequestToken;
    this.#setStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', 'User Initiated');
    this.#rollBackUpdate(stack, skip);
  }

  #deleteStack(nameOrId: string, clientRequestToken?: string): void {
    let stack: Stack;
    try {
      stack = this.#stack(nameOrId, true);
    } catch {
      return; // DeleteStack of a stack that does not exist succeeds silently, as in AWS.
    }
    if (stack.deletionTime || stack.status === 'DELETE_IN_PROGRESS') return;
    if (stack.terminationProtection) {
      throw validationError(
        `Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`,
      );
    }
    if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS') {
      throw validationError(`Stack [${stack.stackName}] cannot be deleted while in status ${stack.status}`);
    }
    stack.changeSets.clear();
    stack.clientRequestToken = clientRequestToken;
    this.#setStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated');
    this.#cleanup(stack, [...stack.resources.values(), ...stack.orphans], 'delete', (failed) => {
      if (failed.length > 0) {
        this.#setStatus(
          stack,
          'DELETE_FAILED',
          `The following resource(s) failed to delete: [${failed.join(', ')}]. `,
        );
        return;
      }
      stack.orphans = [];
      stack.deletionTime = this.deps.clock.now();
      this.#setStatus(stack, 'DELETE_COMPLETE');
    });
  }

  // --- the engine ---

  #desired(stack: Stack): Desired {
    return { template: stack.template as Template, parameters: stack.parameters };
  }

  #baseContext(desired: Desired, stackName: string, stackId?: string): Omit<EvalContext, 'ref' | 'getAtt'> {
    const { region, accountId } = this.deps;
    const template = desired.template;
    return {
      parameters: desired.parameters,
      parameterTypes: Object.fromEntries(
        Object.entries(template.Parameters ?? {}).map(([k, p]) => [k, p.Type]),
      ),
      pseudo: {
        'AWS::AccountId': accountId,
        'AWS::Region': region,
        'AWS::Partition': 'aws',
        'AWS::URLSuffix': 'amazonaws.com',
        'AWS::StackName': stackName,
        'AWS::StackId': stackId ?? `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/pending`,
        'AWS::NotificationARNs': [] as unknown as string,
      },
      mappings: template.Mappings,
      conditions: template.Conditions ?? {},
      isResource: (id) => id in template.Resources,
      importValue: (name) => {
        for (const s of this.#stacks) {
          if (s.deletionTime) continue;
          const found = s.outputs.find((o) => o.ExportName === name);
          if (found) return found.OutputValue;
        }
        return undefined;
      },
    };
  }

  #context(stack: Stack, desired: Desired): EvalContext {
    return {
      ...this.#baseContext(desired, stack.stackName, stack.stackId),
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

  /** Each active resource's properties with references left symbolic, and its dependencies. */
  #symbolicResources(
    desired: Desired,
    stackName: string,
  ): Map<string, { type: string; properties: Json; raw: Json; deps: string[] }> {
    const ctx = symbolicContext(this.#baseContext(desired, stackName));
    const active = activeResources(desired.template, ctx);
    const result = new Map<string, { type: string; properties: Json; raw: Json; deps: string[] }>();
    for (const id of active) {
      const definition = desired.template.Resources[id] as Template['Resources'][string];
      const properties = evaluate(definition.Properties ?? {}, ctx);
      const dependsOn = definition.DependsOn === undefined ? [] : [definition.DependsOn].flat();
      for (const dep of dependsOn) {
        if (!(dep in desired.template.Resources)) {
          throw validationError(
            `Template format error: Unresolved resource dependencies [${dep}] in the Resources block of the template`,
          );
        }
      }
      const deps = [...new Set([...referencedResources(properties), ...dependsOn])].filter((d) =>
        active.includes(d),
      );
      result.set(id, { type: definition.Type, properties, raw: definition.Properties ?? {}, deps });
    }
    detectCycle(result);
    return result;
  }

  #symbolicOutputs(desired: Desired, stackName: string): Json {
    const ctx = symbolicContext(this.#baseContext(desired, stackName));
    return evaluate(desired.template.Outputs ?? {}, ctx);
  }

  #durationOf(logicalId: string, type: string): number {
    const { faults, resourceDurations } = this.deps;
    return (
      faults.durationFor(logicalId, type) ??
      resourceDurations[type] ??
      resourceDurations.default ??
      DEFAULT_RESOURCE_MS
    );
  }

  #provisionContext(stack: Stack): ProvisionContext {
    const autoDeleteBuckets = new Set<string>();
    for (const r of stack.resources.values()) {
      if (r.type === 'Custom::S3AutoDeleteObjects' && r.properties.BucketName)
        autoDeleteBuckets.add(String(r.properties.BucketName));
    }
    return {
      stackName: stack.stackName,
      region: this.deps.region,
      accountId: this.deps.accountId,
      lambda: this.deps.lambda,
      codedeploy: this.deps.codedeploy,
      moto: this.#moto,
      autoDeleteBuckets,
    };
  }

  /**
   * Creates/updates/replaces the desired resources in dependency order; each takes its duration on the
   * clock. A failure cancels the siblings in progress and reports the failed logical ids.
   */
  #converge(
    stack: Stack,
    desired: Desired,
    mode: 'forward' | 'rollback',
    skip: Set<string>,
    finish: (failed: string[], cancelled: boolean) => void,
  ): Runner {
    const { clock } = this.deps;
    const symbolic = this.#symbolicResources(desired, stack.stackName);
    const ctx = this.#context(stack, desired);
    const settled = new Set<string>();
    const started = new Set<string>();
    const inFlight = new Map<string, 'create' | 'update'>();
    const failed: string[] = [];
    let over = false;

    const end = (cancelReason?: string) => {
      if (over) return;
      over = true;
      for (const [id, kind] of inFlight) {
        const resource = stack.resources.get(id);
        if (!resource) continue;
        const status = kind === 'create' ? 'CREATE_FAILED' : 'UPDATE_FAILED';
        const reason =
          cancelReason ?? (kind === 'create' ? 'Resource creation cancelled' : 'Resource update cancelled');
        this.#resourceEvent(stack, resource, status, reason);
        if (cancelReason) failed.push(id);
      }
      inFlight.clear();
      finish(failed, cancelReason !== undefined);
    };

    const startReady = () => {
      // Resources that need no change settle at once and may free others: repeat until nothing starts.
      let progressed = true;
      while (progressed && !over) {
        progressed = false;
        for (const [id, entry] of symbolic) {
          if (over) return;
          if (started.has(id) || !entry.deps.every((d) => settled.has(d))) continue;
          started.add(id);
          progressed = true;
          this.#step(stack, id, entry, desired, ctx, mode, skip, {
            inFlight,
            isOver: () => over,
            settle: () => {
              settled.add(id);
              inFlight.delete(id);
            },
            fail: () => {
              inFlight.delete(id);
              failed.push(id);
              end();
            },
            next: () => startReady(),
          });
        }
      }
      if (!over && settled.size === symbolic.size) end();
    };
    clock.schedule(0, startReady);
    return { cancel: (reason) => end(reason) };
  }

  #step(
    stack: Stack,
    id: string,
    entry: { type: string; deps: string[] },
    desired: Desired,
    ctx: EvalContext,
    mode: 'forward' | 'rollback',
    skip: Set<string>,
    hooks: {
      inFlight: Map<string, 'create' | 'update'>;
      isOver: () => boolean;
      settle: () => void;
      fail: () => void;
      next: () => void;
    },
  ): void {
    const { clock, faults } = this.deps;
    const definition = desired.template.Resources[id] as Template['Resources'][string];
    const existing = stack.resources.get(id);
    if (skip.has(id) && existing) {
      this.#resourceEvent(stack, existing, 'UPDATE_COMPLETE', 'Resource skipped during rollback');
      hooks.settle();
      return;
    }
    let properties: Record<string, Json>;
    try {
      properties = evaluate(definition.Properties ?? {}, ctx);
    } catch (error) {
      const resource = existing ?? this.#addResource(stack, id, definition, entry.deps);
      this.#resourceEvent(
        stack,
        resource,
        existing ? 'UPDATE_FAILED' : 'CREATE_FAILED',
        (error as Error).message,
      );
      hooks.fail();
      return;
    }
    const orphan =
      mode === 'rollback'
        ? stack.orphans.find((o) => o.logicalId === id && equal(o.properties, properties))
        : undefined;
    const healthy = existing && /_COMPLETE$/.test(existing.status) && !existing.status.startsWith('DELETE');
    if (
      existing &&
      existing.type === definition.Type &&
      equal(existing.properties, properties) &&
      healthy &&
      !orphan
    ) {
      existing.deps = entry.deps;
      hooks.settle();
      return;
    }
    const changed = existing ? changedKeys(existing.properties, properties) : [];
    const kind: 'create' | 'update' | 'replace' | 'restore' = !existing?.physicalId
      ? 'create'
      : orphan
        ? 'restore'
        : existing.type !== definition.Type || replacingProperties(definition.Type, changed).length > 0
          ? 'replace'
          : 'update';
    if (kind === 'replace' && existing) {
      const nameKey = CUSTOM_NAME[definition.Type];
      if (
        nameKey &&
        properties[nameKey] !== undefined &&
        properties[nameKey] === existing.properties[nameKey]
      ) {
        this.#resourceEvent(
          stack,
          existing,
          'UPDATE_FAILED',
          `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${properties[nameKey]} and update the stack again.`,
        );
        hooks.fail();
        return;
      }
    }
    const resource = existing ?? this.#addResource(stack, id, definition, entry.deps);
    resource.deps = entry.deps;
    resource.deletionPolicy = definition.DeletionPolicy;
    resource.updateReplacePolicy = definition.UpdateReplacePolicy;
    const creating = kind === 'create';
    hooks.inFlight.set(id, creating ? 'create' : 'update');
    this.#resourceEvent(
      stack,
      resource,
      creating ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS',
      kind === 'replace'
        ? 'Requested update requires the creation of a new physical resource; hence creating one.'
        : undefined,
      properties,
    );
    if (creating)
      this.#resourceEvent(stack, resource, 'CREATE_IN_PROGRESS', 'Resource creation Initiated', properties);

    clock.schedule(this.#durationOf(id, definition.Type), async () => {
      if (hooks.isOver() || !hooks.inFlight.has(id)) return;
      const fault = faults.takeResourceFailure(
        id,
        mode === 'rollback' ? 'rollback' : creating ? 'create' : 'update',
      );
      try {
        if (fault) throw new ResourceFailure(fault);
        const context = this.#provisionContext(stack);
        if (kind === 'restore' && orphan) {
          stack.orphans = stack.orphans.filter((o) => o !== orphan);
          stack.orphans.push({ ...resource });
          await updateResource(context, id, definition.Type, properties, orphan as Required<ResourceState>);
          Object.assign(resource, { physicalId: orphan.physicalId, attributes: orphan.attributes });
        } else if (kind === 'update') {
          const result = await updateResource(
            context,
            id,
            definition.Type,
            properties,
            resource as Required<ResourceState>,
          );
          Object.assign(resource, result);
        } else {
          if (kind === 'replace') stack.orphans.push({ ...resource });
          const result = await createResource(context, id, definition.Type, properties);
          Object.assign(resource, result);
        }
        if (hooks.isOver()) return;
        resource.properties = properties;
        this.#resourceEvent(
          stack,
          resource,
          creating ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE',
          undefined,
          properties,
        );
        hooks.settle();
        hooks.next();
      } catch (error) {
        if (hooks.isOver()) return;
        if (kind === 'replace') stack.orphans.pop();
        this.#resourceEvent(
          stack,
          resource,
          creating ? 'CREATE_FAILED' : 'UPDATE_FAILED',
          failureReason(error),
          properties,
        );
        hooks.fail();
      }
    });
  }

  /** Deletes resources, dependents first; Retain leaves them (DELETE_SKIPPED). */
  #cleanup(
    stack: Stack,
    toDelete: ResourceState[],
    mode: 'forward' | 'rollback' | 'delete',
    finish: (failed: string[]) => void,
  ): void {
    const { clock, faults } = this.deps;
    const pending = new Set(toDelete);
    const failed: string[] = [];
    const blocked = (r: ResourceState) =>
      [...pending].some(
        (other) => other !== r && other.deps.includes(r.logicalId) && other.logicalId !== r.logicalId,
      );
    const started = new Set<ResourceState>();
    const startReady = () => {
      // A resource removed at once (retained, never created) may free others: repeat until nothing moves.
      for (;;) {
        const before = started.size;
        // Records from two templates (a replaced resource and its successor) could wait on each other:
        // when nothing can start and nothing runs, the rest goes anyway.
        const running = [...pending].some((r) => started.has(r));
        const free = [...pending].filter((r) => !started.has(r) && !blocked(r));
        const force = !running && free.length === 0;
        for (const resource of [...pending]) {
          if (started.has(resource) || (!force && blocked(resource))) continue;
          started.add(resource);
          const isOrphan = stack.orphans.includes(resource);
          const policy = isOrphan ? resource.updateReplacePolicy : resource.deletionPolicy;
          const remove = () => {
            pending.delete(resource);
            if (isOrphan) stack.orphans = stack.orphans.filter((o) => o !== resource);
            else if (stack.resources.get(resource.logicalId) === resource)
              stack.resources.delete(resource.logicalId);
          };
          if (
            (policy === 'Retain' || policy === 'RetainExceptOnCreate') &&
            resource.physicalId &&
            mode !== 'rollback'
          ) {
            this.#resourceEvent(stack, resource, 'DELETE_SKIPPED');
            remove();
            continue;
          }
          if (!resource.physicalId) {
            this.#resourceEvent(stack, resource, 'DELETE_COMPLETE');
            remove();
            continue;
          }
          this.#resourceEvent(stack, resource, 'DELETE_IN_PROGRESS');
          clock.schedule(this.#durationOf(resource.logicalId, resource.type) / 2, async () => {
            const fault = faults.takeResourceFailure(
              resource.logicalId,
              mode === 'rollback' ? 'rollback' : 'delete',
            );
            try {
              if (fault) throw new ResourceFailure(fault);
              await deleteResource(
                this.#provisionContext(stack),
                resource.type,
                resource.physicalId as string,
                resource.properties,
              );
              this.#resourceEvent(stack, resource, 'DELETE_COMPLETE');
              remove();
            } catch (error) {
              this.#resourceEvent(stack, resource, 'DELETE_FAILED', failureReason(error));
              pending.delete(resource);
              failed.push(resource.logicalId);
            }
            startReady();
            if (pending.size === 0) finish(failed);
          });
        }
        if (started.size === before) return;
      }
    };
    clock.schedule(0, () => {
      startReady();
      if (pending.size === 0) finish(failed);
    });
  }

  #addResource(
    stack: Stack,
    id: string,
    definition: Template['Resources'][string],
    deps: string[],
  ): ResourceState {
    const resource: ResourceState = {
      logicalId: id,
      type: definition.Type,
      status: 'CREATE_IN_PROGRESS',
      timestamp: this.deps.clock.now(),
      properties: {},
      attributes: {},
      deps,
      deletionPolicy: definition.DeletionPolicy,
      updateReplacePolicy: definition.UpdateReplacePolicy,
    };
    stack.resources.set(id, resource);
    return resource;
  }

  #computeOutputs(stack: Stack): void {
    const desired = this.#desired(stack);
    const ctx = this.#context(stack, desired);
    stack.outputs = Object.entries(desired.template.Outputs ?? {})
      .filter(([, output]) => !output.Condition || conditionHolds(output.Condition, ctx))
      .map(([key, output]) => {
        const value = evaluate(output.Value, ctx);
        return {
          OutputKey: key,
          OutputValue: Array.isArray(value) ? value.join(',') : String(value),
          ...(output.Description ? { Description: output.Description } : {}),
          ...(output.Export ? { ExportName: String(evaluate(output.Export.Name, ctx)) } : {}),
        };
      });
  }

  #parameterList(template: Template, parameters: Record<string, string>): Params[] {
    return Object.entries(parameters).map(([key, value]) => ({
      ParameterKey: key,
      ParameterValue: String(template.Parameters?.[key]?.NoEcho) === 'true' ? '****' : value,
    }));
  }

  #describeStacks(name: string | undefined): Params[] {
    const stacks = name ? [this.#stack(name, true)] : this.#stacks.filter((s) => !s.deletionTime);
    return stacks.map((s) => ({
      StackId: s.stackId,
      StackName: s.stackName,
      ...(s.changeSets.size > 0 ? { ChangeSetId: [...s.changeSets.values()].at(-1)?.id } : {}),
      ...(s.description ? { Description: s.description } : {}),
      Parameters: s.template ? this.#parameterList(s.template, s.parameters) : [],
      CreationTime: new Date(s.creationTime),
      ...(s.deletionTime ? { DeletionTime: new Date(s.deletionTime) } : {}),
      ...(s.lastUpdatedTime ? { LastUpdatedTime: new Date(s.lastUpdatedTime) } : {}),
      RollbackConfiguration: {},
      StackStatus: s.status,
      ...(s.statusReason ? { StackStatusReason: s.statusReason } : {}),
      DisableRollback: s.disableRollback,
      NotificationARNs: [],
      Capabilities: s.capabilities,
      ...(s.outputs.length > 0 && !s.status.startsWith('ROLLBACK') && s.status !== 'REVIEW_IN_PROGRESS'
        ? { Outputs: s.outputs }
        : {}),
      Tags: s.tags,
      EnableTerminationProtection: s.terminationProtection,
      DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
    }));
  }

  // --- events ---

  #setStatus(stack: Stack, status: string, reason?: string): void {
    stack.status = status;
    stack.statusReason = reason;
    this.#stackEvent(stack, status, reason);
  }

  #stackEvent(stack: Stack, status: string, reason?: string): void {
    stack.events.push({
      StackId: stack.stackId,
      EventId: randomUUID(),
      StackName: stack.stackName,
      LogicalResourceId: stack.stackName,
      PhysicalResourceId: stack.stackId,
      ResourceType: 'AWS::CloudFormation::Stack',
      Timestamp: this.deps.clock.date(),
      ResourceStatus: status,
      ...(reason ? { ResourceStatusReason: reason } : {}),
      ...(stack.clientRequestToken ? { ClientRequestToken: stack.clientRequestToken } : {}),
    });
  }

  #resourceEvent(
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
      resource.timestamp = this.deps.clock.now();
    }
    stack.events.push({
      StackId: stack.stackId,
      EventId: `${resource.logicalId}-${status}-${randomUUID()}`,
      StackName: stack.stackName,
      LogicalResourceId: resource.logicalId,
      PhysicalResourceId: resource.physicalId ?? '',
      ResourceType: resource.type,
      Timestamp: this.deps.clock.date(),
      ResourceStatus: status,
      ...(reason ? { ResourceStatusReason: reason } : {}),
      ...(properties ? { ResourceProperties: JSON.stringify(properties) } : {}),
      ...(stack.clientRequestToken ? { ClientRequestToken: stack.clientRequestToken } : {}),
    });
  }
}

/** A resource failure's reason; an unexpected error is the fake's bug, said so, but the stack still settles. */
function failureReason(error: unknown): string {
  if (error instanceof ResourceFailure) return error.message;
  return `fake-aws internal error: ${(error as Error)?.stack ?? String(error)}`;
}

/** A resource as DescribeStackResource(s)/ListStackResources show it (the timestamp member's name differs). */
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

const equal = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

function changedKeys(before: Record<string, Json>, after: Record<string, Json>): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((key) => !equal(before?.[key], after?.[key]));
}

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

function detectCycle(resources: Map<string, { deps: string[] }>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      throw validationError(`Circular dependency between resources: [${path.join(', ')}]`);
    }
    state.set(id, 'visiting');
    for (const dep of resources.get(id)?.deps ?? []) visit(dep, [...path, dep]);
    state.set(id, 'done');
  };
  for (const id of resources.keys()) visit(id, [id]);
}

type Symbolic = Map<string, { type: string; properties: Json; raw: Json; deps: string[] }>;

/** Same template text, different value: a parameter changed it (and which one). */
function changeSource(before: Json, after: Json): Params {
  if (!equal(before, after)) return { ChangeSource: 'DirectModification' };
  const text = JSON.stringify(after ?? null);
  const parameter = /"Ref":"([^"]+)"/.exec(text)?.[1] ?? /\$\{([A-Za-z0-9]+)\}/.exec(text)?.[1];
  return { ChangeSource: 'ParameterReference', ...(parameter ? { CausingEntity: parameter } : {}) };
}

/** The change set's per-resource changes: Add/Modify/Remove, with Replacement and the causing details. */
function computeChanges(
  old: Symbolic | undefined,
  next: Symbolic,
  stack: { resources: Map<string, ResourceState> },
): Params[] {
  const changes = new Map<string, Params>();
  for (const [id, entry] of next) {
    const before = old?.get(id);
    if (!before) {
      changes.set(id, {
        Action: 'Add',
        LogicalResourceId: id,
        ResourceType: entry.type,
        Scope: [],
        Details: [],
      });
      continue;
    }
    const keys = changedKeys(before.properties, entry.properties);
    if (keys.length === 0 && before.type === entry.type) continue;
    const replacing = before.type !== entry.type ? keys : replacingProperties(entry.type, keys);
    changes.set(id, {
      Action: 'Modify',
      LogicalResourceId: id,
      PhysicalResourceId: stack.resources.get(id)?.physicalId,
      ResourceType: entry.type,
      Replacement: replacing.length > 0 || before.type !== entry.type ? 'True' : 'False',
      Scope: keys.every((k) => k === 'Tags')
        ? ['Tags']
        : keys.includes('Tags')
          ? ['Properties', 'Tags']
          : ['Properties'],
      Details: keys.map((key) => ({
        Target: {
          Attribute: key === 'Tags' ? 'Tags' : 'Properties',
          ...(key === 'Tags' ? {} : { Name: key }),
          RequiresRecreation: replacing.includes(key) ? 'Always' : 'Never',
        },
        Evaluation: 'Static',
        ...changeSource(before.raw?.[key], entry.raw?.[key]),
      })),
    });
  }
  // A replaced resource gets a new physical id: whatever refers to it may change (Conditional).
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, entry] of next) {
      const change = changes.get(id);
      if (change?.Action === 'Add' || !old?.has(id)) continue;
      for (const dep of entry.deps) {
        const cause = changes.get(dep);
        if (!cause || (cause.Replacement !== 'True' && cause.Replacement !== 'Conditional')) continue;
        const keys = Object.keys(entry.properties).filter((k) =>
          referencedResources(entry.properties[k]).has(dep),
        );
        if (keys.length === 0) continue;
        const replacing = replacingProperties(entry.type, keys);
        const details = keys.map((key) => ({
          Target: {
            Attribute: 'Properties',
            Name: key,
            RequiresRecreation: replacing.includes(key) ? 'Conditionally' : 'Never',
          },
          Evaluation: 'Dynamic',
          ChangeSource: 'ResourceReference',
          CausingEntity: dep,
        }));
        if (!change) {
          changes.set(id, {
            Action: 'Modify',
            LogicalResourceId: id,
            PhysicalResourceId: stack.resources.get(id)?.physicalId,
            ResourceType: entry.type,
            Replacement: replacing.length > 0 ? 'Conditional' : 'False',
            Scope: ['Properties'],
            Details: details,
          });
          grew = true;
        } else if (!change.Details.some((d: Params) => d.CausingEntity === dep)) {
          change.Details.push(...details);
          if (replacing.length > 0 && change.Replacement === 'False') change.Replacement = 'Conditional';
          grew = true;
        }
      }
    }
  }
  for (const [id, entry] of old ?? []) {
    if (!next.has(id)) {
      changes.set(id, {
        Action: 'Remove',
        LogicalResourceId: id,
        PhysicalResourceId: stack.resources.get(id)?.physicalId,
        ResourceType: entry.type,
        Scope: [],
        Details: [],
      });
    }
  }
  return [...changes.values()].map((change) => ({
    Type: 'Resource',
    ResourceChange: Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
  }));
}
