import { describe, expect, it } from 'vitest';
import { followDeployment } from '../../src/release/follow.js';
import type { ReleaseSnapshot } from '../../src/release/snapshot.js';
import { watchDeployment } from '../../src/release/watch.js';
import { SimulatedAws } from './support/simulated-aws.js';

function recorder() {
  const seen: ReleaseSnapshot[] = [];
  return { seen, view: { update: (s: ReleaseSnapshot) => seen.push(s), stop() {} } };
}

/** Watches one deployment of the model, recording every snapshot. */
async function watch(
  aws: SimulatedAws,
  deploymentId: string,
  options: { alarms?: boolean; signal?: AbortSignal } = {},
) {
  const { seen, view } = recorder();
  const result = await watchDeployment({
    clients: aws.context.clients,
    stack: aws.context.stack,
    deploymentId,
    alarmNames: options.alarms === false ? [] : aws.context.group.alarmNames,
    onSnapshot: view.update,
    signal: options.signal,
    clock: aws.clock,
  });
  return { ...result, seen };
}

/** Distinct consecutive values, to check the order in which the split was observed. */
function steps(values: number[]): number[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

describe('watchDeployment against a simulated CodeDeploy', () => {
  it('follows a canary to completion: 0 -> 10 % -> 100 %, in order, with the next step announced', async () => {
    const aws = new SimulatedAws();
    const id = aws.start({ from: '2', to: '3', config: 'LambdaCanary10Percent5Minutes' });
    const { snapshot, detached, seen } = await watch(aws, id);
    expect(detached).toBe(false);
    expect(snapshot.status).toBe('Succeeded');
    expect(steps(seen.map((s) => s.newPercent))).toEqual([0, 10, 100]);
    const canary = seen.find((s) => s.newPercent === 10)!;
    // The canary's next step: 100 % five minutes after traffic started to move.
    expect(canary.next?.percent).toBe(100);
    const allowTraffic = canary.hooks.find((h) => h.name === 'AllowTraffic');
    expect(allowTraffic?.status).toBe('InProgress');
    expect(canary.next!.at.getTime() - canary.takenAt).toBeLessThanOrEqual(5 * 60_000);
    expect(canary.next!.at.getTime() - canary.takenAt).toBeGreaterThan(4 * 60_000);
    expect(snapshot.aliasPercent).toBe(100);
    expect(aws.alias().FunctionVersion).toBe('3');
  });

  // The watch starts at different moments relative to the steps, so no poll period can look right by luck.
  it.each([0, 700, 1_300, 1_900, 4_100])(
    'shows every change within 2 s and never makes more than 40 calls in any minute (watch starts %i ms in)',
    async (phase) => {
      const aws = new SimulatedAws();
      const id = aws.start({ from: '2', to: '3', config: 'LambdaLinear10PercentEvery1Minute' });
      aws.clock.time += phase;
      const { seen } = await watch(aws, id);
      expect(steps(seen.map((s) => s.newPercent))).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
      // Each linear step happens on the minute after traffic started (t0 + 3 s in the simulation).
      const shiftStart = aws.deployments[0]!.createdAt + 3_000;
      for (let k = 1; k <= 9; k++) {
        const shownAt = seen.find((s) => s.newPercent === (k + 1) * 10)!.takenAt;
        expect(shownAt - (shiftStart + k * 60_000)).toBeLessThanOrEqual(2_000);
      }
      const times = aws.calls.map((c) => c.at);
      for (const t of times)
        expect(times.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(40);
    },
  );

  it('all-at-once: straight from 0 to 100 %', async () => {
    const aws = new SimulatedAws();
    const id = aws.start({ from: '2', to: '3', config: 'LambdaAllAtOnce' });
    const { snapshot, seen } = await watch(aws, id, { alarms: false });
    expect(snapshot.status).toBe('Succeeded');
    expect(steps(seen.map((s) => s.newPercent))).toEqual([0, 100]);
  });

  it('an alarm mid-canary: stopped by ALARM_ACTIVE, then the rollback deployment brings 100 % back', async () => {
    const aws = new SimulatedAws();
    const id = aws.start({ from: '2', to: '3', config: 'LambdaCanary10Percent5Minutes' });
    aws.fireAlarm('api-5xx', aws.clock.now() + 60_000);
    const { seen, view } = recorder();
    const rollback = recorder();
    const followed = await followDeployment(aws.context, id, {
      view,
      rollbackView: rollback.view,
      clock: aws.clock,
    });
    expect(followed.main.status).toBe('Stopped');
    expect(followed.main.error?.code).toBe('ALARM_ACTIVE');
    expect(seen.at(-1)?.alarms.find((a) => a.name === 'api-5xx')?.state).toBe('ALARM');
    expect(followed.rollback?.status).toBe('Succeeded');
    expect(followed.rollback?.deploymentId).toBe(followed.main.rollbackDeploymentId);
    expect(rollback.seen.length).toBeGreaterThan(0);
    expect(aws.alias()).toMatchObject({ FunctionVersion: '2', RoutingConfig: undefined });
  });

  it('stops at once, detached, when the signal aborts; the deployment goes on', async () => {
    const aws = new SimulatedAws();
    const id = aws.start({ from: '2', to: '3', config: 'LambdaCanary10Percent5Minutes' });
    const controller = new AbortController();
    aws.clock.onSleep = (t) => {
      if (t > aws.deployments[0]!.createdAt + 30_000) controller.abort();
    };
    const { detached, snapshot } = await watch(aws, id, { alarms: false, signal: controller.signal });
    expect(detached).toBe(true);
    expect(snapshot.inFlight).toBe(true);
    expect(aws.info(aws.deployments[0]!, aws.clock.now()).status).toBe('InProgress');
  });
});
