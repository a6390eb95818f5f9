/**
 * A small time-driven model of a CodeDeploy Lambda deployment behind aws-sdk-client-mock, for unit tests
 * of the watch loop and the services: a virtual clock (sleep advances it), CodeDeploy answers computed from
 * that clock, the alias weights that go with them, alarms that can fire at a given time. It is not the
 * offline fake (test/support, another engineer's): it exists so these tests run in milliseconds.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  CreateDeploymentCommand,
  type DeploymentInfo,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { GetAliasCommand, LambdaClient, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { ReleaseClients } from '../../../src/release/clients.js';
import type { Clock } from '../../../src/release/clock.js';
import type { ReleaseContext } from '../../../src/release/context.js';
import { parseAppSpec } from '../../../src/release/deployment.js';
import { trafficPlan } from '../../../src/release/strategy.js';

export const START = Date.UTC(2026, 0, 15, 12, 0, 0);

export class VirtualClock implements Clock {
  private base = START;
  private linked: { since: number; speed: number } | undefined;

  /** Virtual time; once linked, it runs `speed` times faster than the real clock (for in-process commands). */
  get time(): number {
    return this.linked ? this.base + (Date.now() - this.linked.since) * this.linked.speed : this.base;
  }
  set time(value: number) {
    this.base = value;
    if (this.linked) this.linked.since = Date.now();
  }
  linkToRealTime(speed: number): void {
    this.base = this.time;
    this.linked = { since: Date.now(), speed };
  }
  /** Virtual time stands still (only sleeps through this clock move it) until linked again. */
  freeze(): void {
    this.base = this.time;
    this.linked = undefined;
  }
  now = () => this.time;
  sleep = async (ms: number, signal?: AbortSignal) => {
    if (signal?.aborted) return;
    this.time += ms;
    this.onSleep?.(this.time);
  };
  onSleep?: (time: number) => void;
}

const HOOK_MS = 2_000;

interface Sim {
  id: string;
  from: string;
  to: string;
  config: string;
  createdAt: number;
  creator: string;
  stoppedAt?: number;
  stopCode?: string;
  rollbackId?: string;
  rollbackOf?: string;
  description?: string;
  content?: string;
}

/** Percent on `to` at time t, from the plan: shifting starts after BeforeAllowTraffic. */
function planned(sim: Sim, t: number): { weight: number; shiftStart: number; shiftEnd: number } {
  const plan = trafficPlan(sim.config)!;
  const shiftStart = sim.createdAt + 1_000 + HOOK_MS;
  const interval = plan.intervalMinutes * 60_000;
  const steps =
    plan.strategy === 'all-at-once' ? 1 : plan.strategy === 'canary' ? 2 : Math.ceil(100 / plan.stepPercent);
  const shiftEnd = shiftStart + (steps - 1) * interval;
  if (t < shiftStart) return { weight: 0, shiftStart, shiftEnd };
  if (plan.strategy === 'all-at-once') return { weight: 100, shiftStart, shiftEnd };
  const done = Math.floor((t - shiftStart) / interval);
  const weight =
    plan.strategy === 'canary'
      ? done >= 1
        ? 100
        : plan.stepPercent
      : Math.min(100, (done + 1) * plan.stepPercent);
  return { weight, shiftStart, shiftEnd };
}

export class SimulatedAws {
  readonly clock = new VirtualClock();
  readonly codedeploy = new CodeDeployClient({ region: 'eu-west-1' });
  readonly lambda = new LambdaClient({ region: 'eu-west-1' });
  readonly cloudwatch = new CloudWatchClient({ region: 'eu-west-1' });
  readonly cloudformation = new CloudFormationClient({ region: 'eu-west-1' });
  readonly deployments: Sim[] = [];
  versions = ['1', '2', '3'];
  aliasVersion = '2';
  alarms: Record<string, { state: string; fromTime?: number }> = {
    'api-5xx': { state: 'OK' },
    'alias-errors': { state: 'OK' },
  };
  /** CodeDeploy's rollback deployments get stopped by the alarm too (what real CodeDeploy avoids). */
  stopRollbacks = false;
  /** Every AWS call, with the virtual time it was made at. */
  readonly calls: Array<{ name: string; at: number }> = [];
  readonly restore: () => void;
  private counter = 0;

  /** `classes`: mock every client of these services (the ones a command creates itself), not just ours. */
  constructor(options: { classes?: boolean } = {}) {
    const cd = mockClient(options.classes ? CodeDeployClient : this.codedeploy);
    const lambda = mockClient(options.classes ? LambdaClient : this.lambda);
    const cw = mockClient(options.classes ? CloudWatchClient : this.cloudwatch);
    const cfn = mockClient(options.classes ? CloudFormationClient : this.cloudformation);
    this.restore = () => {
      for (const mock of [cd, lambda, cw, cfn]) mock.restore();
    };
    const log = (name: string) => this.calls.push({ name, at: this.clock.now() });

    cfn.on(DescribeStacksCommand).callsFake(() => ({
      Stacks: [
        {
          StackName: 'ServerlessInfra-Production',
          CreationTime: new Date(START),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            ['FunctionName', 'items-fn'],
            ['AliasName', 'live'],
            ['CodeDeployApplication', 'items-app'],
            ['CodeDeployDeploymentGroup', 'items-group'],
            ['NewVersion', this.versions.at(-1)!],
          ].map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    }));
    cd.on(GetDeploymentGroupCommand).callsFake(() => ({
      deploymentGroupInfo: {
        alarmConfiguration: { enabled: true, alarms: [{ name: 'api-5xx' }, { name: 'alias-errors' }] },
        autoRollbackConfiguration: {
          enabled: true,
          events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
        },
      },
    }));
    cd.on(ListDeploymentsCommand).callsFake((input) => {
      log('ListDeployments');
      this.settle();
      const now = this.clock.now();
      const ids = [...this.deployments]
        .reverse()
        .filter(
          (d) => !input.includeOnlyStatuses || input.includeOnlyStatuses.includes(this.info(d, now).status!),
        )
        .map((d) => d.id);
      return { deployments: ids };
    });
    cd.on(CreateDeploymentCommand).callsFake((input) => {
      log('CreateDeployment');
      const spec = parseAppSpec(input.revision?.appSpecContent?.content)!;
      const id = this.start({
        from: spec.from!,
        to: spec.to!,
        config: input.deploymentConfigName!.replace('CodeDeployDefault.', ''),
        description: input.description,
        content: input.revision?.appSpecContent?.content,
      });
      return { deploymentId: id };
    });
    cd.on(GetDeploymentCommand).callsFake((input) => {
      log('GetDeployment');
      this.settle();
      return { deploymentInfo: this.info(this.find(input.deploymentId), this.clock.now()) };
    });
    cd.on(BatchGetDeploymentsCommand).callsFake((input) => {
      log('BatchGetDeployments');
      this.settle();
      return {
        deploymentsInfo: input.deploymentIds!.map((id: string) => this.info(this.find(id), this.clock.now())),
      };
    });
    cd.on(ListDeploymentTargetsCommand).callsFake((input) => {
      log('ListDeploymentTargets');
      const sim = this.find(input.deploymentId);
      return { targetIds: this.clock.now() >= sim.createdAt + 1_000 ? ['items-fn:live'] : [] };
    });
    cd.on(GetDeploymentTargetCommand).callsFake((input) => {
      log('GetDeploymentTarget');
      this.settle();
      return {
        deploymentTarget: {
          deploymentTargetType: 'LambdaTarget',
          lambdaTarget: this.target(this.find(input.deploymentId)),
        },
      };
    });
    cd.on(StopDeploymentCommand).callsFake((input) => {
      log('StopDeployment');
      this.stop(input.deploymentId, 'MANUAL_STOP');
      return { status: 'Pending' };
    });
    lambda.on(ListVersionsByFunctionCommand).callsFake((input) => {
      log('ListVersionsByFunction');
      // Two versions a page, to exercise the pagination.
      const all = ['$LATEST', ...this.versions];
      const start = input.Marker ? Number(input.Marker) : 0;
      const page = all.slice(start, start + 2);
      return {
        Versions: page.map((Version) => ({ Version })),
        NextMarker: start + 2 < all.length ? String(start + 2) : undefined,
      };
    });
    lambda.on(GetAliasCommand).callsFake(() => {
      log('GetAlias');
      this.settle();
      return this.alias();
    });
    cw.on(DescribeAlarmsCommand).callsFake((input) => {
      log('DescribeAlarms');
      this.settle();
      return {
        MetricAlarms: (input.AlarmNames ?? []).map((name: string) => ({
          AlarmName: name,
          StateValue: this.alarmState(name),
        })),
      };
    });
  }

  get context(): ReleaseContext {
    const clients: ReleaseClients = {
      codedeploy: this.codedeploy,
      lambda: this.lambda,
      cloudwatch: this.cloudwatch,
      cloudformation: this.cloudformation,
    };
    return {
      env: {
        name: 'Production',
        email: 'ops@example.com',
        region: 'eu-west-1',
        stackName: 'ServerlessInfra-Production',
        resourceId: 'abcd1234',
        releaseStrategy: 'LambdaCanary10Percent5Minutes',
      },
      region: 'eu-west-1',
      clients,
      stack: {
        stackName: 'ServerlessInfra-Production',
        functionName: 'items-fn',
        aliasName: 'live',
        application: 'items-app',
        deploymentGroup: 'items-group',
      },
      group: { alarmNames: ['api-5xx', 'alias-errors'], autoRollback: true },
    };
  }

  /** A deployment, as if someone (or this CLI) had started it at the current virtual time. */
  start(options: {
    from: string;
    to: string;
    config: string;
    creator?: string;
    rollbackOf?: string;
    description?: string;
    content?: string;
  }): string {
    const id = `d-SIM${String(++this.counter).padStart(5, '0')}`;
    this.deployments.push({
      id,
      createdAt: this.clock.now(),
      creator: options.creator ?? 'user',
      ...options,
    });
    return id;
  }

  /** An alarm goes to ALARM at `at` (virtual time); CodeDeploy stops the in-flight deployment then. */
  fireAlarm(name: string, at = this.clock.now()): void {
    this.alarms[name] = { state: 'ALARM', fromTime: at };
  }

  private alarmState(name: string): string {
    const alarm = this.alarms[name];
    if (!alarm) return 'INSUFFICIENT_DATA';
    if (alarm.state === 'ALARM' && alarm.fromTime !== undefined && this.clock.now() < alarm.fromTime)
      return 'OK';
    return alarm.state;
  }

  private find(id: string | undefined): Sim {
    const sim = this.deployments.find((d) => d.id === id);
    if (!sim)
      throw Object.assign(new Error(`Deployment ${id} does not exist`), {
        name: 'DeploymentDoesNotExistException',
      });
    return sim;
  }

  /** Apply what time has done: alarms stop in-flight deployments; ended ones move the alias. */
  private settle(): void {
    const now = this.clock.now();
    for (const sim of this.deployments) {
      if (sim.stoppedAt !== undefined) continue;
      if (sim.creator === 'codeDeployRollback') {
        if (this.stopRollbacks && now >= sim.createdAt + 1_000)
          this.stop(sim.id, 'ALARM_ACTIVE', sim.createdAt + 1_000);
        continue;
      }
      const firedAt = Object.entries(this.alarms)
        .filter(([, a]) => a.state === 'ALARM')
        .map(([, a]) => a.fromTime ?? 0)
        .filter((t) => t >= sim.createdAt && t <= now)[0];
      if (firedAt !== undefined && firedAt < this.endsAt(sim)) this.stop(sim.id, 'ALARM_ACTIVE', firedAt);
    }
  }

  private stop(id: string | undefined, code: string, at = this.clock.now()): void {
    const sim = this.find(id);
    sim.stoppedAt = at;
    sim.stopCode = code;
    const weight = planned(sim, at).weight;
    if (weight > 0) {
      const save = this.clock.time;
      this.clock.time = at;
      sim.rollbackId = this.start({
        from: sim.to,
        to: sim.from,
        config: 'LambdaAllAtOnce',
        creator: 'codeDeployRollback',
        rollbackOf: sim.id,
      });
      this.clock.time = save;
    }
  }

  /** End time of a deployment that is not stopped: the shift's end, AfterAllowTraffic, done. */
  private endsAt(sim: Sim): number {
    return planned(sim, sim.createdAt).shiftEnd + HOOK_MS;
  }

  info(sim: Sim, now: number): DeploymentInfo {
    let status: DeploymentInfo['status'] = 'InProgress';
    let completeTime: Date | undefined;
    if (now < sim.createdAt + 1_000) status = 'Created';
    if (sim.stoppedAt !== undefined && now >= sim.stoppedAt) {
      status = 'Stopped';
      completeTime = new Date(sim.stoppedAt);
    } else if (now >= this.endsAt(sim)) {
      status = 'Succeeded';
      completeTime = new Date(this.endsAt(sim));
    }
    return {
      deploymentId: sim.id,
      applicationName: 'items-app',
      deploymentGroupName: 'items-group',
      deploymentConfigName: `CodeDeployDefault.${sim.config}`,
      status,
      creator: sim.creator as DeploymentInfo['creator'],
      createTime: new Date(sim.createdAt),
      startTime: now >= sim.createdAt + 1_000 ? new Date(sim.createdAt + 1_000) : undefined,
      completeTime,
      description: sim.description,
      revision: sim.content
        ? { revisionType: 'AppSpecContent', appSpecContent: { content: sim.content } }
        : undefined,
      computePlatform: 'Lambda',
      rollbackInfo: sim.rollbackId
        ? { rollbackDeploymentId: sim.rollbackId, rollbackMessage: 'rolled back' }
        : sim.rollbackOf
          ? { rollbackTriggeringDeploymentId: sim.rollbackOf }
          : undefined,
      errorInformation:
        status === 'Stopped'
          ? {
              code: sim.stopCode as 'ALARM_ACTIVE',
              message:
                sim.stopCode === 'ALARM_ACTIVE'
                  ? 'One or more alarms have been activated'
                  : 'Stopped by user',
            }
          : undefined,
    };
  }

  /** Weight on `to` at `now`, honouring a stop (frozen, then rolled back by another deployment). */
  private weight(sim: Sim, now: number): number {
    const at = sim.stoppedAt !== undefined ? Math.min(now, sim.stoppedAt) : now;
    return planned(sim, at).weight;
  }

  private target(sim: Sim) {
    const now = this.clock.now();
    const info = this.info(sim, now);
    const { shiftStart, shiftEnd } = planned(sim, sim.createdAt);
    const hook = (name: string, start: number, end: number) => ({
      lifecycleEventName: name,
      status:
        now < start
          ? 'Pending'
          : info.status === 'Stopped' && now >= start && sim.stoppedAt! < end
            ? 'Failed'
            : now < end
              ? 'InProgress'
              : 'Succeeded',
      startTime: now >= start ? new Date(start) : undefined,
      endTime: now >= end ? new Date(end) : undefined,
    });
    return {
      deploymentId: sim.id,
      targetId: 'items-fn:live',
      status:
        info.status === 'Succeeded'
          ? 'Succeeded'
          : info.status === 'Stopped'
            ? 'Failed'
            : now < sim.createdAt + 1_000
              ? 'Pending'
              : 'InProgress',
      lifecycleEvents: [
        hook('BeforeAllowTraffic', sim.createdAt + 1_000, shiftStart),
        hook('AllowTraffic', shiftStart, shiftEnd),
        hook('AfterAllowTraffic', shiftEnd, shiftEnd + HOOK_MS),
      ],
      lambdaFunctionInfo: {
        functionName: 'items-fn',
        functionAlias: 'live',
        currentVersion: sim.from,
        targetVersion: sim.to,
        targetVersionWeight: this.weight(sim, now),
      },
    };
  }

  /** The alias follows the latest deployment that moved it. */
  alias() {
    const now = this.clock.now();
    let version = this.aliasVersion;
    let additional: Record<string, number> | undefined;
    for (const sim of this.deployments) {
      if (sim.createdAt > now) continue;
      const w = this.weight(sim, now);
      const info = this.info(sim, now);
      if (info.status === 'Succeeded') {
        version = sim.to;
        additional = undefined;
      } else if (w >= 100 && info.status !== 'Stopped') {
        version = sim.to;
        additional = undefined;
      } else if (w > 0 && info.status !== 'Stopped') {
        version = sim.from;
        additional = { [sim.to]: w / 100 };
      } else if (w > 0) {
        // Stopped: the split stays where it was until the rollback deployment moves it back.
        version = sim.from;
        additional = { [sim.to]: w / 100 };
      }
    }
    return {
      Name: 'live',
      FunctionVersion: version,
      RoutingConfig: additional ? { AdditionalVersionWeights: additional } : undefined,
    };
  }
}
