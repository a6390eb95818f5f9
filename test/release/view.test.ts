import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSnapshot, type ReleaseSnapshot } from '../../src/release/snapshot.js';
import { aliasTraffic } from '../../src/release/versions.js';
import {
  fitToWidth,
  formatDuration,
  LiveView,
  PlainView,
  plainLines,
  renderLive,
} from '../../src/ui/release-view.js';

const T0 = Date.UTC(2026, 0, 15, 14, 0, 0);
let tz: string | undefined;
beforeAll(() => {
  tz = process.env.TZ;
  process.env.TZ = 'UTC';
  process.env.NO_COLOR = '1';
});
afterAll(() => {
  process.env.TZ = tz;
  delete process.env.NO_COLOR;
});

function snapshotAt(
  weight: number,
  options: {
    status?: string;
    alias?: number;
    now?: number;
    targetWeight?: number;
    clockOffsetMs?: number;
  } = {},
): ReleaseSnapshot {
  const now = options.now ?? T0 + 60_000;
  return computeSnapshot(
    {
      deploymentId: 'd-ABC',
      deployment: {
        deploymentId: 'd-ABC',
        status: (options.status ?? 'InProgress') as 'InProgress',
        deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        createTime: new Date(T0 - 5_000),
        startTime: new Date(T0 - 4_000),
      },
      target: {
        status: 'InProgress',
        lifecycleEvents: [
          { lifecycleEventName: 'BeforeAllowTraffic', status: 'Succeeded' },
          { lifecycleEventName: 'AllowTraffic', status: 'InProgress', startTime: new Date(T0) },
          { lifecycleEventName: 'AfterAllowTraffic', status: 'Pending' },
        ],
        lambdaFunctionInfo: {
          currentVersion: '3',
          targetVersion: '4',
          targetVersionWeight: options.targetWeight ?? weight,
        },
      },
      traffic: aliasTraffic('3', { '4': (options.alias ?? weight) / 100 }),
      alarms: [
        { name: 'api-5xx', state: 'OK' },
        { name: 'alias-errors', state: 'OK' },
      ],
    },
    now,
    options.clockOffsetMs,
  );
}

describe('computeSnapshot', () => {
  it('reads versions, split, step schedule and hooks', () => {
    const s = snapshotAt(10);
    expect(s).toMatchObject({ from: '3', to: '4', newPercent: 10, aliasRead: true, strategy: 'canary' });
    expect(s.next).toEqual({ percent: 100, at: new Date(T0 + 5 * 60_000) });
    expect(s.hooks.map((h) => h.status)).toEqual(['Succeeded', 'InProgress', 'Pending']);
  });

  it("takes the split from the alias's RoutingConfig, whatever unit the deployment target's weight is in", () => {
    expect(snapshotAt(10, { alias: 0 }).newPercent).toBe(0);
    expect(snapshotAt(10, { targetWeight: 0.1 }).newPercent).toBe(10);
    expect(snapshotAt(10, { targetWeight: 10 }).newPercent).toBe(10);
  });
});

describe('renderLive', () => {
  it('shows the bar with old | new %, the next step with its time, hooks, alarms and elapsed time', () => {
    const text = renderLive(snapshotAt(10), T0 + 60_000, 'shift · Stack').join('\n');
    expect(text).toContain('v3 90 % | v4 10 %');
    expect(text).toContain('canary: 10 % now, 100 % at 14:05:00 (in 4m 00s)');
    expect(text).toContain('BeforeAllowTraffic ✔');
    expect(text).toContain('AllowTraffic …');
    expect(text).toContain('api-5xx OK');
    expect(text).toContain('elapsed 1m 04s');
    const bar = text.split('\n')[1]!;
    expect(bar.match(/█/g)).toHaveLength(4);
    expect(bar.match(/░/g)).toHaveLength(36);
  });

  it("counts down and shows times by AWS's clock, whatever the local clock's skew", () => {
    // The local clock is 10 minutes behind AWS's: the same moment, the same countdown, shown in local time.
    const behind = 10 * 60_000;
    const text = renderLive(snapshotAt(10, { clockOffsetMs: behind }), T0 + 60_000 - behind, 't').join('\n');
    expect(text).toContain('100 % at 13:55:00 (in 4m 00s)');
    expect(text).toContain('elapsed 1m 04s');
  });
});

describe('plainLines', () => {
  it('writes one timestamped line per change and nothing when nothing changed', () => {
    const first = snapshotAt(0, { now: T0 });
    const lines = plainLines(undefined, first);
    expect(lines).toContain('14:00:00 d-ABC InProgress');
    expect(lines).toContain('14:00:00 traffic v3 100 % | v4 0 %');
    expect(plainLines(first, { ...first, takenAt: T0 + 2_000 })).toEqual([]);
    const shifted = snapshotAt(10, { now: T0 + 2_000 });
    expect(plainLines(first, shifted)).toEqual([
      '14:00:02 traffic v3 90 % | v4 10 %, next 100 % at 14:05:00',
    ]);
    const alarm = { ...shifted, alarms: [{ name: 'api-5xx', state: 'ALARM' }, shifted.alarms[1]!] };
    expect(plainLines(shifted, alarm)).toEqual(['14:00:02 alarm api-5xx ALARM']);
  });

  it('PlainView writes lines; LiveView redraws the same lines in place', () => {
    const out: string[] = [];
    const plain = new PlainView({ write: (t: string) => out.push(t) });
    plain.update(snapshotAt(0, { now: T0 }));
    plain.update(snapshotAt(10, { now: T0 + 2_000 }));
    expect(out.join('')).toContain('14:00:02 traffic v3 90 % | v4 10 %');

    const frames: string[] = [];
    const live = new LiveView({ write: (t: string) => frames.push(t) }, 'shift', () => T0 + 60_000);
    live.update(snapshotAt(10));
    live.update(snapshotAt(100));
    live.stop();
    expect(frames[0]).not.toContain('\u001b[6F');
    expect(frames[1]?.startsWith('\u001b[6F')).toBe(true); // back up over the 6 lines drawn before
    expect(frames[1]).toContain('v3 0 % | v4 100 %');
  });
});

describe('formatDuration', () => {
  it('reads like a clock', () => {
    expect([formatDuration(12_000), formatDuration(245_000), formatDuration(3_720_000)]).toEqual([
      '12s',
      '4m 05s',
      '1h 02m',
    ]);
  });
});

describe('fitToWidth', () => {
  it('keeps a line that fits, and cuts a longer one to the width with an ellipsis', () => {
    expect(fitToWidth('abcdef', 6)).toBe('abcdef');
    expect(fitToWidth('abcdefgh', 6)).toBe('abcde…\u001b[0m');
    expect(fitToWidth('abcdefgh', undefined)).toBe('abcdefgh');
  });

  it('does not count ANSI styling as width', () => {
    const styled = '\u001b[31mred\u001b[39m text';
    expect(fitToWidth(styled, 8)).toBe(styled);
    expect(fitToWidth(styled, 5)).toBe('\u001b[31mred\u001b[39m …\u001b[0m');
  });
});
