import { GetDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError, ExitCode, UserError } from '../../src/errors.js';
import { listReleases } from '../../src/release/history.js';
import { rollback } from '../../src/release/rollback.js';
import { planShift, shift } from '../../src/release/shift.js';
import type { ReleaseTarget } from '../../src/release/target.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { type ReleaseFixture, releaseFixture } from './support/release-fake.js';

/** shift, rollback and the release history against the fake's CodeDeploy and Lambda, on its manual clock. */
const request = { config: 'LambdaCanary10Percent5Minutes' as const, attach: false, force: false };
const silentView = { update() {}, stop() {} };

let fake: FakeAws;
let release: ReleaseFixture;

beforeAll(async () => {
  fake = await startFakeAws();
});
afterAll(async () => {
  await fake?.stop();
});
beforeEach(async () => {
  release = await releaseFixture(fake, 'release-services');
});

async function refusal(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof UserError)) throw new Error(`expected a UserError, got ${String(error)}`);
  return error;
}

function hooks(watch = true) {
  const started: string[] = [];
  return {
    started,
    hooks: {
      watch,
      view: silentView,
      clock: release.clock,
      onStarted: (e: { deploymentId: string }) => started.push(e.deploymentId),
    },
  };
}

/** A shift started and left running (no watch), fake time moved `ms` on. */
async function running(config = request.config, ms = 60_000): Promise<string> {
  const result = await shift(release.context, { ...request, config }, hooks(false).hooks);
  await fake.clock.advance(ms);
  return result.deploymentId;
}

describe('planShift refusals', () => {
  it('refuses the version already served', async () => {
    expect((await refusal(planShift(release.context, { ...request, to: '1' }))).code).toBe('AlreadyServed');
  });

  it('refuses an unknown version', async () => {
    expect((await refusal(planShift(release.context, { ...request, to: '42' }))).code).toBe('UnknownVersion');
  });

  it('refuses while an alarm of the group is firing, unless forced', async () => {
    await release.setAlarm('ALARM');
    try {
      const error = await refusal(planShift(release.context, request));
      expect(error.code).toBe('AlarmFiring');
      expect(error.message).toContain(release.alarmName);
      expect(await planShift(release.context, { ...request, force: true })).toMatchObject({
        kind: 'start',
        target: { from: '1', to: '2' },
        firingAlarms: [release.alarmName],
      });
    } finally {
      await release.setAlarm('OK');
    }
  });

  it('refuses while a deployment runs, and attaches to it when asked', async () => {
    const id = await running();
    const error = await refusal(planShift(release.context, request));
    expect(error.code).toBe('DeploymentInFlight');
    expect(error.message).toContain(id);
    expect(await planShift(release.context, { ...request, attach: true })).toEqual({
      kind: 'attach',
      deploymentId: id,
    });
  });
});

describe('shift', () => {
  it('creates the deployment with the AppSpec and config, and watches it to success', async () => {
    const { started, hooks: h } = hooks();
    const result = await shift(release.context, request, h);
    expect(started).toEqual([result.deploymentId]);
    const { deploymentInfo } = await release.context.clients.codedeploy.send(
      new GetDeploymentCommand({ deploymentId: result.deploymentId }),
    );
    expect(deploymentInfo?.deploymentConfigName).toBe('CodeDeployDefault.LambdaCanary10Percent5Minutes');
    expect(result).toMatchObject({
      outcome: 'succeeded',
      exitCode: 0,
      from: '1',
      to: '2',
      strategy: 'canary',
      attached: false,
      traffic: { '2': 100 },
    });
    expect(result.consoleUrl).toContain(result.deploymentId);
    expect(await release.alias()).toEqual({ version: '2', weights: {} });
  });

  it('without --watch returns right after starting, in progress, exit 0', async () => {
    const result = await shift(
      release.context,
      { ...request, config: 'LambdaAllAtOnce' },
      hooks(false).hooks,
    );
    expect(result).toMatchObject({
      outcome: 'in-progress',
      exitCode: 0,
      status: 'Created',
      from: '1',
      to: '2',
    });
  });

  it('reports an alarm rollback with its exit code and the rollback deployment', async () => {
    fake.clock.schedule(90_000, () => release.setAlarm('ALARM'));
    try {
      const result = await shift(release.context, request, hooks().hooks);
      expect(result.outcome).toBe('rolled-back-by-alarm');
      expect(result.exitCode).toBe(ExitCode.RELEASE_ROLLED_BACK);
      expect(result.rollbackDeploymentId).toMatch(/^d-/);
      expect(result.traffic).toEqual({ '1': 100 });
    } finally {
      await release.setAlarm('OK');
    }
  });

  it('a rollback deployment that does not get through: exit 20, its status in the result', async () => {
    fake.clock.schedule(90_000, () => release.setAlarm('ALARM'));
    // Someone stops CodeDeploy's rollback deployment as soon as it exists (checked every fake second).
    const stopRollback = async () => {
      for (const id of fake.state.codedeploy.activeDeployments()) {
        const { deploymentInfo } = await release.context.clients.codedeploy.send(
          new GetDeploymentCommand({ deploymentId: id }),
        );
        if (deploymentInfo?.creator === 'codeDeployRollback') {
          await release.context.clients.codedeploy.send(
            new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: false }),
          );
          return;
        }
      }
      fake.clock.schedule(1_000, stopRollback);
    };
    fake.clock.schedule(1_000, stopRollback);
    try {
      const result = await shift(release.context, request, hooks().hooks);
      expect(result).toMatchObject({
        outcome: 'rolled-back-by-alarm',
        rollbackStatus: 'Stopped',
        exitCode: 20,
      });
      expect(result.traffic).toEqual({ '1': 90, '2': 10 });
    } finally {
      await release.setAlarm('OK');
    }
  });
});

describe('rollback', () => {
  type Confirm = (target: ReleaseTarget) => Promise<void>;
  const confirmYes: Confirm = async () => {};
  const rollbackHooks = (confirm: Confirm = confirmYes) => {
    const stopped: Array<{ deploymentId: string; rollbackDeploymentId?: string | undefined }> = [];
    return {
      stopped,
      hooks: { ...hooks().hooks, confirm, onStopped: (e: (typeof stopped)[number]) => stopped.push(e) },
    };
  };

  it('during a shift: stops it, CodeDeploy rolls back, the alias serves 100 % of the old version', async () => {
    const id = await running();
    expect(await release.alias()).toEqual({ version: '1', weights: { '2': 0.1 } });
    const { stopped, hooks: h } = rollbackHooks();
    const result = await rollback(release.context, { config: 'LambdaAllAtOnce' }, h);
    expect(stopped).toEqual([{ deploymentId: id, rollbackDeploymentId: result.deploymentId }]);
    expect(result).toMatchObject({
      stoppedDeploymentId: id,
      outcome: 'succeeded',
      exitCode: 0,
      traffic: { '1': 100 },
    });
    expect(result.deploymentId).not.toBe(id);
    expect(await release.alias()).toEqual({ version: '1', weights: {} });
  });

  it('after a completed shift: back to the previous version, all at once, after confirming', async () => {
    await shift(release.context, request, hooks().hooks);
    const asked: string[] = [];
    const { hooks: h } = rollbackHooks(async (target) => {
      asked.push(`${target.from}->${target.to}`);
    });
    const result = await rollback(release.context, { config: 'LambdaAllAtOnce' }, h);
    expect(asked).toEqual(['2->1']);
    expect(result).toMatchObject({ outcome: 'succeeded', from: '2', to: '1', strategy: 'all-at-once' });
    expect(await release.alias()).toEqual({ version: '1', weights: {} });
  });

  it('declined: nothing started', async () => {
    await shift(release.context, request, hooks().hooks);
    const before = await listReleases(release.context.clients.codedeploy, release.context.stack);
    const { hooks: h } = rollbackHooks(async () => {
      throw new CancelledError();
    });
    await expect(rollback(release.context, { config: 'LambdaAllAtOnce' }, h)).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(await listReleases(release.context.clients.codedeploy, release.context.stack)).toHaveLength(
      before.length,
    );
  });

  it('nothing to roll back to: says so, non-zero', async () => {
    const error = await refusal(
      rollback(release.context, { config: 'LambdaAllAtOnce' }, rollbackHooks().hooks),
    );
    expect(error.code).toBe('NothingToRollBack');
    expect(error.exitCode).not.toBe(0);
  });
});

describe('listReleases (for status)', () => {
  it("lists releases newest first with versions, strategy, outcome, times and creator; CodeDeploy's rollback the right way round", async () => {
    const first = await shift(release.context, request, hooks().hooks);
    fake.clock.schedule(90_000, () => release.setAlarm('ALARM'));
    try {
      await shift(
        release.context,
        { ...request, to: '1', config: 'LambdaLinear10PercentEvery1Minute' },
        hooks().hooks,
      );
    } finally {
      await release.setAlarm('OK');
    }
    const releases = await listReleases(release.context.clients.codedeploy, release.context.stack);
    // The alarm stopped 2 -> 1; CodeDeploy's rollback moved the alias from 1 back to 2.
    expect(releases.map((r) => [r.from, r.to, r.strategy, r.outcome, r.creator])).toEqual([
      ['1', '2', 'all-at-once', 'succeeded', 'codeDeployRollback'],
      ['2', '1', 'linear', 'rolled-back-by-alarm', 'user'],
      ['1', '2', 'canary', 'succeeded', 'user'],
    ]);
    expect(releases[0]!.rollbackOf).toBe(releases[1]!.deploymentId);
    expect(releases[2]!.deploymentId).toBe(first.deploymentId);
    expect(releases[2]!.createdAt).toBe(first.timings.createdAt);
    expect(releases[2]!.completedAt).toBeDefined();
    expect(await release.alias()).toEqual({ version: '2', weights: {} });
  });
});
