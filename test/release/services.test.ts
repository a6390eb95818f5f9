import { describe, expect, it } from 'vitest';
import { CancelledError, ExitCode, UserError } from '../../src/errors.js';
import { listReleases } from '../../src/release/history.js';
import { rollback } from '../../src/release/rollback.js';
import { planShift, shift } from '../../src/release/shift.js';
import type { ReleaseTarget } from '../../src/release/target.js';
import { listVersions } from '../../src/release/versions.js';
import { silentView } from '../../src/release/view.js';
import { SimulatedAws } from './support/simulated-aws.js';

const request = { config: 'LambdaCanary10Percent5Minutes' as const, attach: false, force: false };

async function refusal(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof UserError)) throw new Error(`expected a UserError, got ${String(error)}`);
  return error;
}

function hooks(aws: SimulatedAws, watch = true) {
  const started: string[] = [];
  return {
    started,
    hooks: {
      watch,
      view: silentView,
      clock: aws.clock,
      onStarted: (e: { deploymentId: string }) => started.push(e.deploymentId),
    },
  };
}

describe('versions', () => {
  it('lists every published version across pages, without $LATEST, in numeric order', async () => {
    const aws = new SimulatedAws();
    aws.versions = ['1', '2', '3', '9', '10', '11'];
    expect(await listVersions(aws.lambda, 'items-fn')).toEqual(['1', '2', '3', '9', '10', '11']);
  });
});

describe('planShift refusals', () => {
  it('refuses the version already served', async () => {
    const aws = new SimulatedAws();
    aws.aliasVersion = '3';
    expect((await refusal(planShift(aws.context, request))).code).toBe('AlreadyServed');
  });

  it('refuses an unknown version', async () => {
    const aws = new SimulatedAws();
    expect((await refusal(planShift(aws.context, { ...request, to: '42' }))).code).toBe('UnknownVersion');
  });

  it('refuses while an alarm of the group is firing, unless forced', async () => {
    const aws = new SimulatedAws();
    aws.fireAlarm('alias-errors');
    const error = await refusal(planShift(aws.context, request));
    expect(error.code).toBe('AlarmFiring');
    expect(error.message).toContain('alias-errors');
    const plan = await planShift(aws.context, { ...request, force: true });
    expect(plan).toMatchObject({
      kind: 'start',
      target: { from: '2', to: '3' },
      firingAlarms: ['alias-errors'],
    });
  });

  it('refuses while a deployment runs, and attaches to it when asked', async () => {
    const aws = new SimulatedAws();
    const running = aws.start({ from: '2', to: '3', config: 'LambdaCanary10Percent5Minutes' });
    const error = await refusal(planShift(aws.context, request));
    expect(error.code).toBe('DeploymentInFlight');
    expect(error.message).toContain(running);
    expect(await planShift(aws.context, { ...request, attach: true })).toEqual({
      kind: 'attach',
      deploymentId: running,
    });
  });
});

describe('shift', () => {
  it('creates the deployment with the AppSpec and config, and watches it to success', async () => {
    const aws = new SimulatedAws();
    const { started, hooks: h } = hooks(aws);
    const result = await shift(aws.context, request, h);
    expect(started).toEqual([result.deploymentId]);
    const spec = JSON.parse(aws.deployments[0]!.content!);
    expect(spec.Resources[0]['items-fn']).toEqual({
      Type: 'AWS::Lambda::Function',
      Properties: { Name: 'items-fn', Alias: 'live', CurrentVersion: '2', TargetVersion: '3' },
    });
    expect(aws.deployments[0]!.config).toBe('LambdaCanary10Percent5Minutes');
    expect(result).toMatchObject({
      outcome: 'succeeded',
      exitCode: 0,
      from: '2',
      to: '3',
      strategy: 'canary',
      attached: false,
      traffic: { '3': 100 },
    });
    expect(result.consoleUrl).toContain(result.deploymentId);
  });

  it('without --watch returns right after starting, in progress, exit 0', async () => {
    const aws = new SimulatedAws();
    const { hooks: h } = hooks(aws, false);
    const result = await shift(aws.context, { ...request, config: 'LambdaAllAtOnce' }, h);
    expect(result).toMatchObject({
      outcome: 'in-progress',
      exitCode: 0,
      status: 'Created',
      from: '2',
      to: '3',
    });
  });

  it('reports an alarm rollback with its exit code and the rollback deployment', async () => {
    const aws = new SimulatedAws();
    aws.fireAlarm('api-5xx', aws.clock.now() + 90_000);
    const { hooks: h } = hooks(aws);
    const result = await shift(aws.context, request, h);
    expect(result.outcome).toBe('rolled-back-by-alarm');
    expect(result.exitCode).toBe(ExitCode.RELEASE_ROLLED_BACK);
    expect(result.rollbackDeploymentId).toBe(aws.deployments[1]!.id);
    expect(result.traffic).toEqual({ '2': 100 });
  });

  it('a rollback deployment that does not get through: exit 20, its status in the result', async () => {
    const aws = new SimulatedAws();
    aws.stopRollbacks = true;
    aws.fireAlarm('api-5xx', aws.clock.now() + 90_000);
    const result = await shift(aws.context, request, hooks(aws).hooks);
    expect(result).toMatchObject({
      outcome: 'rolled-back-by-alarm',
      rollbackStatus: 'Stopped',
      exitCode: 20,
    });
    expect(result.traffic).toEqual({ '2': 90, '3': 10 });
  });
});

describe('rollback', () => {
  type Confirm = (target: ReleaseTarget) => Promise<boolean>;
  const confirmYes: Confirm = async () => true;
  const rollbackHooks = (aws: SimulatedAws, confirm: Confirm = confirmYes) => {
    const stopped: Array<{ deploymentId: string; rollbackDeploymentId?: string | undefined }> = [];
    return {
      stopped,
      hooks: { ...hooks(aws).hooks, confirm, onStopped: (e: (typeof stopped)[number]) => stopped.push(e) },
    };
  };

  it('during a shift: stops it, CodeDeploy rolls back, the alias serves 100 % of the old version', async () => {
    const aws = new SimulatedAws();
    const running = aws.start({ from: '2', to: '3', config: 'LambdaCanary10Percent5Minutes' });
    aws.clock.time += 60_000;
    expect(aws.alias().RoutingConfig?.AdditionalVersionWeights).toEqual({ '3': 0.1 });
    const { stopped, hooks: h } = rollbackHooks(aws);
    const result = await rollback(aws.context, { config: 'LambdaAllAtOnce' }, h);
    expect(stopped).toEqual([{ deploymentId: running, rollbackDeploymentId: aws.deployments[1]!.id }]);
    expect(result).toMatchObject({
      stoppedDeploymentId: running,
      deploymentId: aws.deployments[1]!.id,
      outcome: 'succeeded',
      exitCode: 0,
      traffic: { '2': 100 },
    });
  });

  it('after a completed shift: back to the previous version, all at once, after confirming', async () => {
    const aws = new SimulatedAws();
    await shift(aws.context, request, hooks(aws).hooks);
    const asked: string[] = [];
    const { hooks: h } = rollbackHooks(aws, async (target) => {
      asked.push(`${target.from}->${target.to}`);
      return true;
    });
    const result = await rollback(aws.context, { config: 'LambdaAllAtOnce' }, h);
    expect(asked).toEqual(['3->2']);
    expect(result).toMatchObject({ outcome: 'succeeded', from: '3', to: '2', strategy: 'all-at-once' });
    expect(aws.alias()).toMatchObject({ FunctionVersion: '2', RoutingConfig: undefined });
  });

  it('declined: nothing started', async () => {
    const aws = new SimulatedAws();
    await shift(aws.context, request, hooks(aws).hooks);
    const { hooks: h } = rollbackHooks(aws, async () => false);
    await expect(rollback(aws.context, { config: 'LambdaAllAtOnce' }, h)).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(aws.deployments).toHaveLength(1);
  });

  it('nothing to roll back to: says so, non-zero', async () => {
    const aws = new SimulatedAws();
    const error = await refusal(
      rollback(aws.context, { config: 'LambdaAllAtOnce' }, rollbackHooks(aws).hooks),
    );
    expect(error.code).toBe('NothingToRollBack');
    expect(error.exitCode).not.toBe(0);
  });
});

describe('listReleases (for status)', () => {
  it('lists releases newest first with versions, strategy, outcome, times and creator', async () => {
    const aws = new SimulatedAws();
    await shift(aws.context, request, hooks(aws).hooks);
    aws.fireAlarm('api-5xx', aws.clock.now() + 30_000);
    await shift(
      aws.context,
      { ...request, to: '1', config: 'LambdaLinear10PercentEvery1Minute' },
      hooks(aws).hooks,
    );
    const releases = await listReleases(aws.codedeploy, aws.context.stack);
    expect(releases.map((r) => [r.from, r.to, r.strategy, r.outcome, r.creator])).toEqual([
      ['1', '3', 'all-at-once', 'succeeded', 'codeDeployRollback'],
      ['3', '1', 'linear', 'rolled-back-by-alarm', 'user'],
      ['2', '3', 'canary', 'succeeded', 'user'],
    ]);
    expect(releases[2]!.createdAt).toBe(new Date(aws.deployments[0]!.createdAt).toISOString());
    expect(releases[2]!.completedAt).toBeDefined();
  });
});
