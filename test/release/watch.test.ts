import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, CreateDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSpec } from '../../src/release/deployment.js';
import { followDeployment } from '../../src/release/follow.js';
import type { ReleaseSnapshot } from '../../src/release/snapshot.js';
import { watchDeployment } from '../../src/release/watch.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { type ReleaseFixture, releaseFixture } from './support/release-fake.js';

/**
 * The watch loop against the fake's CodeDeploy on its manual clock: every sleep of the watch moves fake
 * time, so what the watch sees, and when, is the same on any machine.
 */
let fake: FakeAws;
let release: ReleaseFixture;
/** The fake's clock at each control-plane call the watch made (for the call budget). */
const calls: number[] = [];

beforeAll(async () => {
  fake = await startFakeAws({ onResponse: () => calls.push(fake.clock.now()) });
});
afterAll(async () => {
  await fake?.stop();
});

async function start(config: string): Promise<string> {
  release = await releaseFixture(fake, 'watch-test');
  calls.length = 0;
  const { deploymentId } = await new CodeDeployClient(fake.sdkConfig).send(
    new CreateDeploymentCommand({
      applicationName: release.context.stack.application,
      deploymentGroupName: release.context.stack.deploymentGroup,
      deploymentConfigName: `CodeDeployDefault.${config}`,
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content: appSpec(release.context.stack, { from: '1', to: '2' }) },
      },
    }),
  );
  return deploymentId as string;
}

function recorder() {
  const seen: ReleaseSnapshot[] = [];
  return { seen, view: { update: (s: ReleaseSnapshot) => seen.push(s), stop() {} } };
}

async function watch(deploymentId: string, options: { signal?: AbortSignal } = {}) {
  const { seen, view } = recorder();
  const result = await watchDeployment({
    clients: release.context.clients,
    stack: release.context.stack,
    deploymentId,
    alarmNames: release.context.group.alarmNames,
    onSnapshot: view.update,
    signal: options.signal,
    clock: release.clock,
    serverNow: release.context.serverNow,
  });
  return { ...result, seen };
}

/** Distinct consecutive values, to check the order in which the split was observed. */
function steps(values: number[]): number[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

describe("watchDeployment against the fake's CodeDeploy", () => {
  it('follows a canary to completion: 0 -> 10 % -> 100 %, in order, with the next step announced', async () => {
    const id = await start('LambdaCanary10Percent5Minutes');
    const { snapshot, detached, seen } = await watch(id);
    expect(detached).toBe(false);
    expect(snapshot.status).toBe('Succeeded');
    expect(steps(seen.map((s) => s.newPercent))).toEqual([0, 10, 100]);
    const canary = seen.find((s) => s.newPercent === 10)!;
    // The canary's next step: 100 % five minutes after AllowTraffic began (AWS's own timestamps).
    expect(canary.next?.percent).toBe(100);
    expect(canary.hooks.find((h) => h.name === 'AllowTraffic')?.status).toBe('InProgress');
    const due = canary.next!.at.getTime() - (canary.takenAt + canary.clockOffsetMs);
    expect(due).toBeGreaterThan(4 * 60_000);
    expect(due).toBeLessThanOrEqual(5 * 60_000);
    expect(await release.alias()).toEqual({ version: '2', weights: {} });
  });

  // The watch starts at different moments relative to the steps, so no poll period can look right by luck.
  it.each([0, 700, 1_300, 1_900, 4_100])(
    'shows every change within 2 s and never makes more than 40 calls in any minute (watch starts %i ms in)',
    async (phase) => {
      const id = await start('LambdaLinear10PercentEvery1Minute');
      await fake.clock.advance(phase);
      const { seen } = await watch(id);
      // From what was served when the watch began (the first step may already be done), every step in order.
      const all = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
      const observed = steps(seen.map((s) => s.newPercent));
      expect(observed[0]).toBeLessThanOrEqual(10);
      expect(observed).toEqual(all.slice(all.indexOf(observed[0]!)));
      // Each linear step happens on the minute after traffic started to move (when the deployment started).
      const shiftStart = seen.at(-1)!.startedAt!;
      for (let k = Math.max(1, all.indexOf(observed[0]!)); k <= 9; k++) {
        const shownAt = seen.find((s) => s.newPercent === (k + 1) * 10)!.takenAt;
        expect(shownAt - (shiftStart + k * 60_000)).toBeLessThanOrEqual(2_000);
      }
      for (const t of calls)
        expect(calls.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(40);
    },
  );

  it('all-at-once: straight from 0 to 100 %', async () => {
    const id = await start('LambdaAllAtOnce');
    const { snapshot, seen } = await watch(id);
    expect(snapshot.status).toBe('Succeeded');
    expect(steps(seen.map((s) => s.newPercent))).toEqual([0, 100]);
  });

  it('an alarm mid-canary: stopped by ALARM_ACTIVE, then the rollback deployment brings 100 % back', async () => {
    const id = await start('LambdaCanary10Percent5Minutes');
    fake.clock.schedule(90_000, () => release.setAlarm('ALARM'));
    const { seen, view } = recorder();
    const rollback = recorder();
    try {
      const followed = await followDeployment(release.context, id, {
        view,
        rollbackView: rollback.view,
        clock: release.clock,
      });
      expect(followed.main.status).toBe('Stopped');
      expect(followed.main.error?.code).toBe('ALARM_ACTIVE');
      expect(seen.at(-1)?.alarms.find((a) => a.name === release.alarmName)?.state).toBe('ALARM');
      expect(followed.rollback?.status).toBe('Succeeded');
      expect(followed.rollback?.deploymentId).toBe(followed.main.rollbackDeploymentId);
      expect(rollback.seen.length).toBeGreaterThan(0);
      expect(await release.alias()).toEqual({ version: '1', weights: {} });
    } finally {
      await release.setAlarm('OK');
    }
  });

  it('stops at once, detached, when the signal aborts; the deployment goes on', async () => {
    const id = await start('LambdaCanary10Percent5Minutes');
    const controller = new AbortController();
    fake.clock.schedule(30_000, () => controller.abort());
    const { detached, snapshot } = await watch(id, { signal: controller.signal });
    expect(detached).toBe(true);
    expect(snapshot.inFlight).toBe(true);
    expect(fake.state.codedeploy.activeDeployments()).toContain(id);
  });

  it("reads each version's health with one GetMetricData a minute, every call counted within 40 a minute", async () => {
    const id = await start('LambdaLinear10PercentEvery1Minute');
    const made: { name: string; at: number }[] = [];
    const seen: ReleaseSnapshot[] = [];
    const { snapshot } = await watchDeployment({
      // CloudWatch through the fake, which answers the percentiles moto lacks.
      clients: { ...release.context.clients, cloudwatch: new CloudWatchClient(fake.sdkConfig) },
      stack: release.context.stack,
      deploymentId: id,
      alarmNames: release.context.group.alarmNames,
      onSnapshot: (s) => seen.push(s),
      clock: release.clock,
      serverNow: release.context.serverNow,
      onCall: (name) => made.push({ name, at: fake.clock.now() }),
    });
    expect(snapshot.status).toBe('Succeeded');
    const reads = made.filter((c) => c.name === 'GetMetricData');
    // About ten minutes of linear shift: a reading a minute (while the budget allows) and one at the end.
    expect(reads.length).toBeGreaterThanOrEqual(8);
    for (const [i, read] of reads.entries()) {
      if (i > 0 && i < reads.length - 1) expect(read.at - reads[i - 1]!.at).toBeGreaterThanOrEqual(60_000);
    }
    for (const { at } of made) {
      expect(made.filter((c) => c.at >= at && c.at < at + 60_000).length).toBeLessThanOrEqual(40);
    }
    // Nobody called the function: both versions are shown, with no requests.
    expect(snapshot.health).toEqual([
      { version: '1', requests: 0, errors: 0, errorRate: null, p50Ms: null, p99Ms: null },
      { version: '2', requests: 0, errors: 0, errorRate: null, p50Ms: null, p99Ms: null },
    ]);
    expect(seen.some((s) => s.health !== undefined && s.inFlight)).toBe(true);
  });
});
