import { describe, expect, it, vi } from 'vitest';
import { Clock } from '../support/fake-aws/clock.js';

describe('the fake clock', () => {
  it('runs due timers in time order, including the ones they schedule, and only those', async () => {
    const clock = new Clock(0);
    const seen: string[] = [];
    clock.schedule(300, () => {
      seen.push(`c@${clock.now()}`);
    });
    clock.schedule(100, () => {
      seen.push(`a@${clock.now()}`);
      clock.schedule(50, () => {
        seen.push(`b@${clock.now()}`);
      });
    });
    await clock.advance(200);
    expect(seen).toEqual(['a@100', 'b@150']);
    expect(clock.now()).toBe(200);
    expect(clock.nextDueIn()).toBe(100);
    await clock.runAll();
    expect(seen).toEqual(['a@100', 'b@150', 'c@300']);
    expect(clock.nextDueIn()).toBeUndefined();
  });

  it('waits for a timer that does asynchronous work before running the next one', async () => {
    const clock = new Clock(0);
    const seen: string[] = [];
    clock.schedule(10, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      seen.push('slow');
    });
    clock.schedule(20, () => {
      seen.push('next');
    });
    await clock.advance(30);
    expect(seen).toEqual(['slow', 'next']);
  });

  it('in real-time mode runs scaled and never behind the wall clock', async () => {
    const clock = new Clock(Date.now() - 60_000);
    let fired = false;
    clock.schedule(120_000, () => {
      fired = true;
    });
    clock.startRealTime(1000, 5);
    try {
      await vi.waitFor(() => expect(fired).toBe(true), { timeout: 5000, interval: 10 });
      expect(clock.now()).toBeGreaterThanOrEqual(Date.now() - 50);
    } finally {
      clock.stopRealTime();
    }
  });
});
