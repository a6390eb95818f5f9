import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { Clock } from './clock.js';
import { AwsError } from './errors.js';
import type { Faults } from './faults.js';
import type { LambdaService } from './lambda.js';
import { partitionOf } from './partition.js';
import { epochSeconds, type Params } from './protocols.js';

/**
 * CodeDeploy for Lambda (awsJson1_1): applications and deployment groups (created by the fake
 * CloudFormation), deployments that shift an alias's weights step by step on the fake clock following
 * the predefined configs, alarms that stop them, and stop/auto-rollback creating a linked deployment.
 */
const MINUTE = 60_000;
/** Time from CreateDeployment to the first traffic shift and between the end steps (fake ms). */
const START_DELAY_MS = 1000;
const ALARM_POLL_MS = 30_000;
/** "The Lambda function must report back within one hour or the deployment fails" (AppSpec 'hooks' section). */
const HOOK_TIMEOUT_MS = 60 * MINUTE;

type HookEvent = 'BeforeAllowTraffic' | 'AfterAllowTraffic';

interface Step {
  atMs: number;
  /** The target version's share of the traffic, in percent. */
  percent: number;
}

export const PREDEFINED_CONFIGS: Record<string, Step[]> = {
  'CodeDeployDefault.LambdaAllAtOnce': [{ atMs: 0, percent: 100 }],
  ...Object.fromEntries(
    [5, 10, 15, 30].map((minutes) => [
      `CodeDeployDefault.LambdaCanary10Percent${minutes}Minutes`,
      [
        { atMs: 0, percent: 10 },
        { atMs: minutes * MINUTE, percent: 100 },
      ],
    ]),
  ),
  ...Object.fromEntries(
    [1, 2, 3, 10].map((minutes) => [
      `CodeDeployDefault.LambdaLinear10PercentEvery${minutes}Minute${minutes === 1 ? '' : 's'}`,
      Array.from({ length: 10 }, (_, index) => ({
        atMs: index * minutes * MINUTE,
        percent: (index + 1) * 10,
      })),
    ]),
  ),
};

type Status = 'Created' | 'Queued' | 'InProgress' | 'Baking' | 'Succeeded' | 'Failed' | 'Stopped' | 'Ready';
const ACTIVE: Status[] = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];

interface LifecycleEvent {
  lifecycleEventName: 'BeforeAllowTraffic' | 'AllowTraffic' | 'AfterAllowTraffic';
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped';
  startTime?: number;
  endTime?: number;
}

interface Deployment {
  id: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  status: Status;
  description?: string;
  creator: 'user' | 'codeDeployRollback' | 'CloudFormation';
  createTime: number;
  startTime?: number;
  completeTime?: number;
  revision: Params;
  errorInformation?: { code: string; message: string };
  rollbackInfo?: {
    rollbackDeploymentId?: string;
    rollbackTriggeringDeploymentId?: string;
    rollbackMessage?: string;
  };
  autoRollbackConfiguration: { enabled: boolean; events: string[] };
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
  /** What the alias served when the deployment began: a rollback returns all traffic to it. */
  servedBefore?: string;
  /** The target version's share of the traffic, in percent (targetVersionWeight). */
  percent: number;
  targetStatus: LifecycleEvent['status'];
  targetUpdatedAt: number;
  lifecycleEvents: LifecycleEvent[];
  /** The AppSpec's Hooks: the Lambda function CodeDeploy invokes at each of these lifecycle events. */
  hooks: Partial<Record<HookEvent, string>>;
  /** The hook CodeDeploy has invoked and waits on (PutLifecycleEventHookExecutionStatus). */
  hookExecution?: { id: string; event: HookEvent; then: () => void };
}

interface Application {
  applicationId: string;
  applicationName: string;
  createTime: number;
  computePlatform: string;
}

export interface DeploymentGroupInput {
  applicationName: string;
  deploymentGroupName: string;
  deploymentConfigName?: string;
  serviceRoleArn?: string;
  alarms?: string[];
  alarmsEnabled?: boolean;
  ignorePollAlarmFailure?: boolean;
  autoRollback?: { enabled: boolean; events: string[] };
}

interface DeploymentGroup {
  deploymentGroupId: string;
  input: DeploymentGroupInput;
  lastSuccessfulDeployment?: string;
  lastAttemptedDeployment?: string;
}

export class CodeDeployService {
  #applications = new Map<string, Application>();
  #groups = new Map<string, DeploymentGroup>();
  #deployments = new Map<string, Deployment>();
  #cloudwatch: CloudWatchClient;

  constructor(
    private readonly deps: {
      clock: Clock;
      faults: Faults;
      lambda: LambdaService;
      region: string;
      accountId: string;
      motoEndpoint: string;
    },
  ) {
    this.#cloudwatch = new CloudWatchClient({
      endpoint: deps.motoEndpoint,
      region: deps.region,
      credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
      maxAttempts: 3,
    });
  }

  reset(): void {
    this.#applications.clear();
    this.#groups.clear();
    this.#deployments.clear();
  }

  // --- state operations used by the fake CloudFormation ---

  putApplication(name: string, computePlatform = 'Lambda'): void {
    if (!this.#applications.has(name)) {
      this.#applications.set(name, {
        applicationId: randomUUID(),
        applicationName: name,
        createTime: this.deps.clock.now(),
        computePlatform,
      });
    }
  }

  deleteApplication(name: string): void {
    this.#applications.delete(name);
    for (const key of [...this.#groups.keys()]) if (key.startsWith(`${name}/`)) this.#groups.delete(key);
  }

  putDeploymentGroup(input: DeploymentGroupInput): void {
    this.#application(input.applicationName);
    const key = `${input.applicationName}/${input.deploymentGroupName}`;
    const existing = this.#groups.get(key);
    this.#groups.set(key, {
      ...existing,
      deploymentGroupId: existing?.deploymentGroupId ?? randomUUID(),
      input,
    });
  }

  deleteDeploymentGroup(applicationName: string, name: string): void {
    this.#groups.delete(`${applicationName}/${name}`);
  }

  /** Deployments in flight (for tests and for "make the group busy"). */
  activeDeployments(): string[] {
    return [...this.#deployments.values()].filter((d) => ACTIVE.includes(d.status)).map((d) => d.id);
  }

  // --- awsJson1_1 API ---

  async call(operation: string, params: Params): Promise<Params> {
    switch (operation) {
      case 'GetApplication':
        return { application: this.#applicationInfo(this.#application(params.applicationName)) };
      case 'ListApplications':
        return { applications: [...this.#applications.keys()] };
      case 'BatchGetApplications':
        return {
          applicationsInfo: (params.applicationNames ?? []).map((n: string) =>
            this.#applicationInfo(this.#application(n)),
          ),
        };
      case 'GetDeploymentGroup':
        return {
          deploymentGroupInfo: this.#groupInfo(
            this.#group(params.applicationName, params.deploymentGroupName),
          ),
        };
      case 'ListDeploymentGroups':
        this.#application(params.applicationName);
        return {
          applicationName: params.applicationName,
          deploymentGroups: [...this.#groups.values()]
            .filter((g) => g.input.applicationName === params.applicationName)
            .map((g) => g.input.deploymentGroupName),
        };
      case 'GetDeploymentConfig':
        return { deploymentConfigInfo: this.#configInfo(params.deploymentConfigName) };
      case 'CreateDeployment':
        return { deploymentId: this.#createDeployment(params) };
      case 'GetDeployment':
        return { deploymentInfo: this.#deploymentInfo(this.#deployment(params.deploymentId)) };
      case 'BatchGetDeployments':
        return {
          deploymentsInfo: (params.deploymentIds ?? [])
            .map((id: string) => this.#deployments.get(id))
            .filter(Boolean)
            .map((d: Deployment) => this.#deploymentInfo(d)),
        };
      case 'ListDeployments':
        return this.#listDeployments(params);
      case 'StopDeployment':
        return this.#stopDeployment(params.deploymentId, params.autoRollbackEnabled);
      case 'PutLifecycleEventHookExecutionStatus':
        return this.#putHookStatus(params);
      case 'ListDeploymentTargets': {
        const deployment = this.#deployment(params.deploymentId);
        return { targetIds: [targetId(deployment)] };
      }
      case 'GetDeploymentTarget': {
        const deployment = this.#deployment(params.deploymentId);
        if (params.targetId !== targetId(deployment)) {
          throw new AwsError(
            'DeploymentTargetDoesNotExistException',
            `The target ID ${params.targetId} does not exist`,
          );
        }
        return { deploymentTarget: this.#target(deployment) };
      }
      case 'BatchGetDeploymentTargets': {
        const deployment = this.#deployment(params.deploymentId);
        return {
          deploymentTargets: (params.targetIds ?? [])
            .filter((id: string) => id === targetId(deployment))
            .map(() => this.#target(deployment)),
        };
      }
      default:
        throw new AwsError(
          'UnknownOperationException',
          `The fake does not implement CodeDeploy ${operation}`,
        );
    }
  }

  #application(name: string | undefined): Application {
    if (!name)
      throw new AwsError(
        'ApplicationNameRequiredException',
        'The minimum number of required application names was not specified.',
      );
    const app = this.#applications.get(name);
    if (!app)
      throw new AwsError('ApplicationDoesNotExistException', `No application found for name: ${name}`);
    return app;
  }

  #group(applicationName: string, name: string | undefined): DeploymentGroup {
    this.#application(applicationName);
    if (!name)
      throw new AwsError(
        'DeploymentGroupNameRequiredException',
        'The deployment group name was not specified.',
      );
    const group = this.#groups.get(`${applicationName}/${name}`);
    if (!group)
      throw new AwsError(
        'DeploymentGroupDoesNotExistException',
        `No Deployment Group found for name: ${name}`,
      );
    return group;
  }

  #deployment(id: string | undefined): Deployment {
    if (!id)
      throw new AwsError('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
    if (!/^d-[A-Z0-9]{9}$/.test(id))
      throw new AwsError(
        'InvalidDeploymentIdException',
        `Specified DeploymentId is not in the valid format: ${id}`,
      );
    const deployment = this.#deployments.get(id);
    if (!deployment)
      throw new AwsError('DeploymentDoesNotExistException', `The deployment ${id} could not be found.`);
    return deployment;
  }

  #applicationInfo(app: Application) {
    return {
      applicationId: app.applicationId,
      applicationName: app.applicationName,
      createTime: epochSeconds(app.createTime),
      linkedToGitHub: false,
      computePlatform: app.computePlatform,
    };
  }

  #groupInfo(group: DeploymentGroup) {
    const { input } = group;
    const summary = (id: string | undefined) => {
      const d = id ? this.#deployments.get(id) : undefined;
      return d
        ? {
            deploymentId: d.id,
            status: d.status,
            endTime: d.completeTime ? epochSeconds(d.completeTime) : undefined,
            createTime: epochSeconds(d.createTime),
          }
        : undefined;
    };
    return {
      applicationName: input.applicationName,
      deploymentGroupId: group.deploymentGroupId,
      deploymentGroupName: input.deploymentGroupName,
      deploymentConfigName: input.deploymentConfigName ?? 'CodeDeployDefault.LambdaAllAtOnce',
      ec2TagFilters: [],
      onPremisesInstanceTagFilters: [],
      autoScalingGroups: [],
      serviceRoleArn:
        input.serviceRoleArn ??
        `arn:${partitionOf(this.deps.region).partition}:iam::${this.deps.accountId}:role/codedeploy`,
      triggerConfigurations: [],
      alarmConfiguration: {
        enabled: input.alarmsEnabled ?? (input.alarms?.length ?? 0) > 0,
        ignorePollAlarmFailure: input.ignorePollAlarmFailure ?? false,
        alarms: (input.alarms ?? []).map((name) => ({ name })),
      },
      autoRollbackConfiguration: input.autoRollback ?? { enabled: false, events: [] },
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      outdatedInstancesStrategy: 'UPDATE',
      lastSuccessfulDeployment: summary(group.lastSuccessfulDeployment),
      lastAttemptedDeployment: summary(group.lastAttemptedDeployment),
      computePlatform: 'Lambda',
      terminationHookEnabled: false,
    };
  }

  #configInfo(name: string) {
    const steps = PREDEFINED_CONFIGS[name];
    if (!steps)
      throw new AwsError(
        'DeploymentConfigDoesNotExistException',
        `No deployment configuration found for name: ${name}`,
      );
    const minutes = (steps[1]?.atMs ?? 0) / MINUTE;
    const trafficRoutingConfig =
      steps.length === 1
        ? { type: 'AllAtOnce' }
        : steps.length === 2
          ? { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: minutes } }
          : { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 10, linearInterval: minutes } };
    return {
      deploymentConfigId: randomUUID(),
      deploymentConfigName: name,
      createTime: epochSeconds(0),
      computePlatform: 'Lambda',
      trafficRoutingConfig,
    };
  }

  #createDeployment(params: Params): string {
    const group = this.#group(params.applicationName, params.deploymentGroupName);
    const configName =
      params.deploymentConfigName ?? group.input.deploymentConfigName ?? 'CodeDeployDefault.LambdaAllAtOnce';
    if (!PREDEFINED_CONFIGS[configName]) {
      throw new AwsError(
        'DeploymentConfigDoesNotExistException',
        `No deployment configuration found for name: ${configName}`,
      );
    }
    const active = this.#activeInGroup(group);
    if (active) {
      throw new AwsError(
        'DeploymentLimitExceededException',
        `The Deployment Group '${group.input.deploymentGroupName}' already has an active Deployment '${active.id}'`,
      );
    }
    const revision = params.revision as Params | undefined;
    if (!revision) throw new AwsError('RevisionRequiredException', 'The revision ID was not specified.');
    const target = parseAppSpec(revision);
    const rollback = params.autoRollbackConfiguration ??
      group.input.autoRollback ?? { enabled: false, events: [] };
    return this.#start({
      applicationName: group.input.applicationName,
      deploymentGroupName: group.input.deploymentGroupName,
      deploymentConfigName: configName,
      description: params.description,
      creator: 'user',
      revision,
      autoRollbackConfiguration: rollback,
      ...target,
    });
  }

  #start(
    input: Pick<
      Deployment,
      | 'applicationName'
      | 'deploymentGroupName'
      | 'deploymentConfigName'
      | 'description'
      | 'creator'
      | 'revision'
      | 'autoRollbackConfiguration'
      | 'functionName'
      | 'alias'
      | 'currentVersion'
      | 'targetVersion'
    > & { rollbackInfo?: Deployment['rollbackInfo']; hooks?: Deployment['hooks'] },
  ): string {
    const { clock } = this.deps;
    const id = `d-${randomBytes(16)
      .toString('hex')
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 9)}`;
    const deployment: Deployment = {
      ...input,
      id,
      status: 'Created',
      createTime: clock.now(),
      hooks: input.hooks ?? {},
      percent: 0,
      targetStatus: 'Pending',
      targetUpdatedAt: clock.now(),
      lifecycleEvents: [
        { lifecycleEventName: 'BeforeAllowTraffic', status: 'Pending' },
        { lifecycleEventName: 'AllowTraffic', status: 'Pending' },
        { lifecycleEventName: 'AfterAllowTraffic', status: 'Pending' },
      ],
    };
    this.#deployments.set(id, deployment);
    const group = this.#groups.get(`${input.applicationName}/${input.deploymentGroupName}`);
    if (group) group.lastAttemptedDeployment = id;
    clock.schedule(START_DELAY_MS, () => this.#begin(deployment));
    return id;
  }

  #begin(deployment: Deployment): void {
    if (deployment.status !== 'Created') return;
    const { clock } = this.deps;
    deployment.status = 'InProgress';
    deployment.startTime = clock.now();
    this.#setTarget(deployment, 'InProgress');
    deployment.servedBefore = this.#servedVersion(deployment);
    const problem = this.#validateTarget(deployment);
    if (problem) {
      this.#finish(
        deployment,
        'Failed',
        { code: 'INVALID_LAMBDA_CONFIGURATION', message: problem },
        'DEPLOYMENT_FAILURE',
      );
      return;
    }
    // Before any traffic moves: the BeforeAllowTraffic hook, when the AppSpec names one.
    this.#runHook(deployment, 'BeforeAllowTraffic', () => this.#allowTraffic(deployment));
  }

  #allowTraffic(deployment: Deployment): void {
    const { clock, lambda } = this.deps;
    const [, allow] = deployment.lifecycleEvents as [LifecycleEvent, LifecycleEvent, LifecycleEvent];
    Object.assign(allow, { status: 'InProgress', startTime: clock.now() });
    const steps = PREDEFINED_CONFIGS[deployment.deploymentConfigName] as Step[];
    for (const step of steps) {
      clock.schedule(step.atMs, async () => {
        if (deployment.status !== 'InProgress') return;
        if (await this.#stopOnAlarm(deployment)) return;
        deployment.percent = step.percent;
        if (step.percent >= 100) {
          lambda.putAlias(deployment.functionName, deployment.alias, {
            FunctionVersion: deployment.targetVersion,
            RoutingConfig: null,
          });
          this.#complete(deployment);
        } else {
          lambda.putAlias(deployment.functionName, deployment.alias, {
            FunctionVersion: deployment.currentVersion,
            // Lambda's alias weights are fractions (0.0-1.0), CodeDeploy's percentages.
            RoutingConfig: { AdditionalVersionWeights: { [deployment.targetVersion]: step.percent / 100 } },
          });
        }
      });
    }
    this.#pollAlarms(deployment);
  }

  #pollAlarms(deployment: Deployment): void {
    this.deps.clock.schedule(ALARM_POLL_MS, async () => {
      if (deployment.status !== 'InProgress') return;
      if (!(await this.#stopOnAlarm(deployment))) this.#pollAlarms(deployment);
    });
  }

  #complete(deployment: Deployment): void {
    const { clock } = this.deps;
    const [, allow] = deployment.lifecycleEvents as [LifecycleEvent, LifecycleEvent, LifecycleEvent];
    Object.assign(allow, { status: 'Succeeded', endTime: clock.now() });
    this.#runHook(deployment, 'AfterAllowTraffic', () => this.#finish(deployment, 'Succeeded'));
  }

  /**
   * A lifecycle event with its hook: CodeDeploy invokes the AppSpec's function for it with `{DeploymentId,
   * LifecycleEventHookExecutionId}` and waits for PutLifecycleEventHookExecutionStatus (AppSpec 'hooks'
   * section for Lambda; PutLifecycleEventHookExecutionStatus, API reference). Succeeded goes on; Failed, an
   * invocation that fails, or no answer within an hour fails the event and the deployment
   * (ErrorCode HOOK_EXECUTION_FAILURE, API reference; the message is the fake's own). Without a hook the
   * event is Skipped.
   */
  #runHook(deployment: Deployment, name: HookEvent, then: () => void): void {
    const { clock, lambda } = this.deps;
    const event = deployment.lifecycleEvents.find((e) => e.lifecycleEventName === name) as LifecycleEvent;
    const hook = deployment.hooks[name];
    if (!hook) {
      Object.assign(event, { status: 'Skipped', startTime: clock.now(), endTime: clock.now() });
      then();
      return;
    }
    Object.assign(event, { status: 'InProgress', startTime: clock.now() });
    const id = randomUUID();
    deployment.hookExecution = { id, event: name, then };
    const fail = (why: string) => {
      if (deployment.hookExecution?.id !== id) return;
      this.#hookFailed(deployment, name, hook, why);
    };
    const payload = Buffer.from(
      JSON.stringify({ DeploymentId: deployment.id, LifecycleEventHookExecutionId: id }),
    );
    // Invoked without waiting for it, as CodeDeploy does: the answer comes through the API.
    lambda.invoke(hook, undefined, payload).then(
      (result) => {
        if (result.functionError) fail(`the function failed: ${result.payload.slice(0, 200)}`);
      },
      (error: Error) => fail(`it could not be invoked: ${error.message}`),
    );
    clock.schedule(HOOK_TIMEOUT_MS, () => fail('no status was reported within one hour'));
  }

  #hookFailed(deployment: Deployment, name: HookEvent, hook: string, why: string): void {
    const event = deployment.lifecycleEvents.find((e) => e.lifecycleEventName === name) as LifecycleEvent;
    deployment.hookExecution = undefined;
    Object.assign(event, { status: 'Failed', endTime: this.deps.clock.now() });
    this.#finish(
      deployment,
      'Failed',
      {
        code: 'HOOK_EXECUTION_FAILURE',
        message: `The ${name} lifecycle event hook ${hook} failed: ${why}.`,
      },
      'DEPLOYMENT_FAILURE',
    );
  }

  #putHookStatus(params: Params): Params {
    const deployment = this.#deployment(params.deploymentId);
    const execution = deployment.hookExecution;
    if (!execution || execution.id !== params.lifecycleEventHookExecutionId) {
      if (ACTIVE.includes(deployment.status) && !execution) {
        throw new AwsError(
          'InvalidLifecycleEventHookExecutionIdException',
          `A lifecycle event hook execution ID ${params.lifecycleEventHookExecutionId} is invalid.`,
        );
      }
      throw new AwsError(
        'LifecycleEventAlreadyCompletedException',
        `The lifecycle event ${params.lifecycleEventHookExecutionId} of deployment ${deployment.id} has already completed.`,
      );
    }
    if (params.status !== 'Succeeded' && params.status !== 'Failed') {
      throw new AwsError(
        'InvalidLifecycleEventHookExecutionStatusException',
        'The result of a Lambda validation function that verifies a lifecycle event is invalid. It should return Succeeded or Failed.',
      );
    }
    const hook = deployment.hooks[execution.event] as string;
    if (params.status === 'Failed') {
      this.#hookFailed(deployment, execution.event, hook, 'it reported Failed');
    } else {
      const event = deployment.lifecycleEvents.find((e) => e.lifecycleEventName === execution.event);
      Object.assign(event as LifecycleEvent, { status: 'Succeeded', endTime: this.deps.clock.now() });
      deployment.hookExecution = undefined;
      execution.then();
    }
    return { lifecycleEventHookExecutionId: execution.id };
  }

  #servedVersion(deployment: Deployment): string | undefined {
    try {
      return this.deps.lambda.getAlias(deployment.functionName, deployment.alias).FunctionVersion;
    } catch {
      return undefined;
    }
  }

  #validateTarget(deployment: Deployment): string | undefined {
    const { lambda } = this.deps;
    const { functionName, alias, currentVersion, targetVersion } = deployment;
    if (!lambda.hasFunction(functionName)) return `The Lambda function ${functionName} does not exist.`;
    let served: string;
    try {
      served = lambda.getAlias(functionName, alias).FunctionVersion;
    } catch {
      return `The alias ${alias} of the Lambda function ${functionName} does not exist.`;
    }
    if (deployment.creator !== 'codeDeployRollback' && served !== currentVersion) {
      return `The current version ${currentVersion} in the AppSpec does not match the version ${served} that the alias ${alias} of ${functionName} serves.`;
    }
    if (!lambda.hasVersion(functionName, targetVersion)) {
      return `The target version ${targetVersion} of the Lambda function ${functionName} does not exist.`;
    }
    return undefined;
  }

  async #stopOnAlarm(deployment: Deployment): Promise<boolean> {
    // A rollback is not stopped by the alarms that caused it: it must get through while they still fire.
    if (deployment.creator === 'codeDeployRollback') return false;
    const group = this.#groups.get(`${deployment.applicationName}/${deployment.deploymentGroupName}`);
    const alarms = group?.input.alarms ?? [];
    if (!group || alarms.length === 0 || group.input.alarmsEnabled === false) return false;
    const firing = await this.#firingAlarms(alarms, group.input.ignorePollAlarmFailure ?? false);
    if (firing.length === 0) return false;
    const [, allow] = deployment.lifecycleEvents as [LifecycleEvent, LifecycleEvent];
    Object.assign(allow, { status: 'Failed', endTime: this.deps.clock.now() });
    this.#finish(
      deployment,
      'Stopped',
      {
        code: 'ALARM_ACTIVE',
        message: `One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <${firing.join(', ')}>`,
      },
      'DEPLOYMENT_STOP_ON_ALARM',
    );
    return true;
  }

  /** Alarm states: an injected state wins; otherwise moto CloudWatch's (alarms the stack created there). */
  async #firingAlarms(names: string[], ignoreFailure: boolean): Promise<string[]> {
    const { faults } = this.deps;
    const unknown = names.filter((name) => faults.alarmState(name) === undefined);
    const states = new Map(names.map((name) => [name, faults.alarmState(name)]));
    if (unknown.length > 0) {
      try {
        const answer = await this.#cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: unknown }));
        for (const alarm of answer.MetricAlarms ?? [])
          states.set(alarm.AlarmName as string, alarm.StateValue as 'ALARM');
      } catch {
        if (!ignoreFailure) return [];
      }
    }
    return names.filter((name) => states.get(name) === 'ALARM');
  }

  #finish(
    deployment: Deployment,
    status: Status,
    error?: Deployment['errorInformation'],
    rollbackEvent?: string,
  ): void {
    const { clock } = this.deps;
    deployment.status = status;
    deployment.completeTime = clock.now();
    deployment.hookExecution = undefined;
    if (error) deployment.errorInformation = error;
    this.#setTarget(deployment, status === 'Succeeded' ? 'Succeeded' : 'Failed');
    for (const event of deployment.lifecycleEvents) {
      if (event.status === 'Pending') event.status = 'Skipped';
      if (event.status === 'InProgress') Object.assign(event, { status: 'Failed', endTime: clock.now() });
    }
    const group = this.#groups.get(`${deployment.applicationName}/${deployment.deploymentGroupName}`);
    if (group && status === 'Succeeded') group.lastSuccessfulDeployment = deployment.id;
    const rollback = deployment.autoRollbackConfiguration;
    if (rollbackEvent && rollback.enabled && rollback.events.includes(rollbackEvent))
      this.#rollBack(deployment);
  }

  /**
   * "CodeDeploy implements rollbacks by redeploying, as a new deployment, a previously deployed revision"
   * (user guide, Lambda deployments): a deployment of its own (creator codeDeployRollback) whose revision is
   * the group's last successful one (the failed deployment's when there is none: not documented). Traffic
   * goes back to what the alias served when the failed deployment began.
   */
  #rollBack(deployment: Deployment): void {
    const previous = [...this.#deployments.values()]
      .filter(
        (d) =>
          d !== deployment &&
          d.applicationName === deployment.applicationName &&
          d.deploymentGroupName === deployment.deploymentGroupName &&
          d.status === 'Succeeded' &&
          d.createTime <= deployment.createTime,
      )
      .at(-1);
    const revision = previous?.revision ?? deployment.revision;
    const rollbackId = this.#start({
      applicationName: deployment.applicationName,
      deploymentGroupName: deployment.deploymentGroupName,
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      creator: 'codeDeployRollback',
      revision,
      // The revision redeployed brings its hooks: they check the version traffic goes back to.
      hooks: parseAppSpec(revision).hooks,
      autoRollbackConfiguration: { enabled: false, events: [] },
      functionName: deployment.functionName,
      alias: deployment.alias,
      // Back to what the alias served before: all traffic on the original version.
      currentVersion: deployment.targetVersion,
      targetVersion: deployment.servedBefore ?? deployment.currentVersion,
      // RollbackInfo (API reference): the rollback names what triggered it, the stopped one its rollback.
      rollbackInfo: { rollbackTriggeringDeploymentId: deployment.id },
    });
    deployment.rollbackInfo = { rollbackDeploymentId: rollbackId };
  }

  #stopDeployment(id: string, autoRollbackEnabled: boolean | undefined): Params {
    const deployment = this.#deployment(id);
    if (!ACTIVE.includes(deployment.status)) {
      throw new AwsError('DeploymentAlreadyCompletedException', `Deployment ${id} has already completed.`);
    }
    const rollback = autoRollbackEnabled ?? deployment.autoRollbackConfiguration.enabled;
    if (rollback)
      deployment.autoRollbackConfiguration = { enabled: true, events: ['DEPLOYMENT_STOP_ON_REQUEST'] };
    else deployment.autoRollbackConfiguration = { ...deployment.autoRollbackConfiguration, enabled: false };
    this.#finish(
      deployment,
      'Stopped',
      { code: 'MANUAL_STOP', message: 'The deployment was stopped by the user.' },
      'DEPLOYMENT_STOP_ON_REQUEST',
    );
    // The fake stops at once: "The deployment stops, and the operation returns a status of succeeded."
    // (user guide, stop a deployment); a rollback, if asked for, is a deployment of its own.
    return {
      status: 'Succeeded',
      statusMessage: rollback
        ? 'The deployment was stopped; a rollback deployment was created.'
        : 'The deployment was stopped.',
    };
  }

  #activeInGroup(group: DeploymentGroup): Deployment | undefined {
    return [...this.#deployments.values()].find(
      (d) =>
        d.applicationName === group.input.applicationName &&
        d.deploymentGroupName === group.input.deploymentGroupName &&
        ACTIVE.includes(d.status),
    );
  }

  #listDeployments(params: Params): Params {
    if (params.deploymentGroupName && !params.applicationName) {
      throw new AwsError(
        'ApplicationNameRequiredException',
        'The minimum number of required application names was not specified.',
      );
    }
    if (params.applicationName) this.#group(params.applicationName, params.deploymentGroupName);
    const statuses: string[] = params.includeOnlyStatuses ?? [];
    const range = params.createTimeRange as { start?: number; end?: number } | undefined;
    const all = [...this.#deployments.values()]
      .filter((d) => !params.applicationName || d.applicationName === params.applicationName)
      .filter((d) => !params.deploymentGroupName || d.deploymentGroupName === params.deploymentGroupName)
      .filter((d) => statuses.length === 0 || statuses.includes(d.status))
      .filter((d) => !range?.start || epochSeconds(d.createTime) >= range.start)
      .filter((d) => !range?.end || epochSeconds(d.createTime) <= range.end)
      .reverse()
      .map((d) => d.id);
    const start = Number(params.nextToken ?? 0) || 0;
    const page = all.slice(start, start + 100);
    return { deployments: page, ...(start + 100 < all.length ? { nextToken: String(start + 100) } : {}) };
  }

  #setTarget(deployment: Deployment, status: LifecycleEvent['status']): void {
    deployment.targetStatus = status;
    deployment.targetUpdatedAt = this.deps.clock.now();
  }

  #deploymentInfo(d: Deployment) {
    const count = (status: string) => (d.targetStatus === status ? 1 : 0);
    return {
      applicationName: d.applicationName,
      deploymentGroupName: d.deploymentGroupName,
      deploymentConfigName: d.deploymentConfigName,
      deploymentId: d.id,
      revision: revisionView(d.revision),
      status: d.status,
      ...(d.errorInformation ? { errorInformation: d.errorInformation } : {}),
      createTime: epochSeconds(d.createTime),
      ...(d.startTime ? { startTime: epochSeconds(d.startTime) } : {}),
      ...(d.completeTime ? { completeTime: epochSeconds(d.completeTime) } : {}),
      deploymentOverview: {
        Pending: count('Pending'),
        InProgress: count('InProgress'),
        Succeeded: count('Succeeded'),
        Failed: count('Failed'),
        Skipped: count('Skipped'),
        Ready: 0,
      },
      ...(d.description ? { description: d.description } : {}),
      creator: d.creator,
      ignoreApplicationStopFailures: false,
      autoRollbackConfiguration: d.autoRollbackConfiguration,
      updateOutdatedInstancesOnly: false,
      ...(d.rollbackInfo ? { rollbackInfo: d.rollbackInfo } : {}),
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      instanceTerminationWaitTimeStarted: false,
      fileExistsBehavior: 'DISALLOW',
      deploymentStatusMessages: [],
      computePlatform: 'Lambda',
    };
  }

  #target(d: Deployment) {
    const aliasArn = `${this.deps.lambda.functionArn(d.functionName)}:${d.alias}`;
    return {
      deploymentTargetType: 'LambdaTarget',
      lambdaTarget: {
        deploymentId: d.id,
        targetId: targetId(d),
        targetArn: aliasArn,
        status: d.targetStatus,
        lastUpdatedAt: epochSeconds(d.targetUpdatedAt),
        lifecycleEvents: d.lifecycleEvents.map((event) => ({
          lifecycleEventName: event.lifecycleEventName,
          ...(event.startTime !== undefined ? { startTime: epochSeconds(event.startTime) } : {}),
          ...(event.endTime !== undefined ? { endTime: epochSeconds(event.endTime) } : {}),
          status: event.status,
        })),
        lambdaFunctionInfo: {
          functionName: d.functionName,
          functionAlias: d.alias,
          currentVersion: d.currentVersion,
          targetVersion: d.targetVersion,
          // "The percentage of production traffic that the target version of a Lambda function receives"
          // (LambdaFunctionInfo, API reference): 10 for a canary's 10 %. See docs/testing.md.
          targetVersionWeight: d.percent,
        },
      },
    };
  }
}

const targetId = (d: Deployment) => `${d.functionName}:${d.alias}`;

/**
 * A revision as GetDeployment answers it: "The content property of the appSpecContent object in the
 * returned revision is always null." (GetDeployment, API reference): its SHA-256 only.
 */
function revisionView(revision: Params): Params {
  const sha256 = (content: unknown) =>
    createHash('sha256')
      .update(String(content ?? ''))
      .digest('hex');
  if (revision.revisionType === 'AppSpecContent') {
    return {
      revisionType: 'AppSpecContent',
      appSpecContent: { sha256: sha256(revision.appSpecContent?.content) },
    };
  }
  if (revision.revisionType === 'String') {
    return { revisionType: 'String', string: { sha256: sha256(revision.string?.content) } };
  }
  return revision;
}

/** The Lambda AppSpec (JSON content): one AWS::Lambda::Function resource with Name/Alias/Current/TargetVersion. */
function parseAppSpec(
  revision: Params,
): Pick<Deployment, 'functionName' | 'alias' | 'currentVersion' | 'targetVersion' | 'hooks'> {
  const invalid = (why: string) =>
    new AwsError('InvalidRevisionException', `The AppSpec content is invalid: ${why}`);
  if (revision.revisionType !== 'AppSpecContent' && revision.revisionType !== 'String') {
    throw invalid('a Lambda deployment needs revisionType AppSpecContent');
  }
  const content = revision.appSpecContent?.content ?? revision.string?.content;
  let spec: Params;
  try {
    spec = JSON.parse(content);
  } catch {
    throw invalid('the content is not JSON (the fake does not read YAML AppSpecs)');
  }
  const resources = spec.Resources ?? spec.resources;
  const entry = Array.isArray(resources) ? Object.values(resources[0] ?? {})[0] : undefined;
  const properties = (entry as Params | undefined)?.Properties ?? (entry as Params | undefined)?.properties;
  if (!properties || ((entry as Params).Type ?? (entry as Params).type) !== 'AWS::Lambda::Function') {
    throw invalid('Resources must hold one AWS::Lambda::Function');
  }
  for (const key of ['Name', 'Alias', 'CurrentVersion', 'TargetVersion']) {
    if (properties[key] === undefined || properties[key] === '') throw invalid(`missing Properties.${key}`);
  }
  // "Hooks": [{"BeforeAllowTraffic": "fn"}, {"AfterAllowTraffic": "fn"}] (AppSpec 'hooks' section, Lambda).
  const hooks: Deployment['hooks'] = {};
  for (const entry of (spec.Hooks ?? spec.hooks ?? []) as Params[]) {
    for (const [event, fn] of Object.entries(entry ?? {})) {
      if (event !== 'BeforeAllowTraffic' && event !== 'AfterAllowTraffic') {
        throw invalid(`${event} is not a lifecycle event hook of a Lambda deployment`);
      }
      hooks[event] = String(fn);
    }
  }
  return {
    functionName: String(properties.Name),
    alias: String(properties.Alias),
    currentVersion: String(properties.CurrentVersion),
    targetVersion: String(properties.TargetVersion),
    hooks,
  };
}
