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

  it('pauses automatic time at the instant a condition starts to hold, until resumed', async () => {
    const clock = new Clock(0);
    let weight = 0;
    clock.schedule(1_000, () => {
      weight = 10;
    });
    clock.schedule(301_000, () => {
      weight = 100;
    });
    const atFirstStep = clock.pauseWhen(() => weight === 10);
    await clock.advanceAutomatically(600_000);
    await atFirstStep;
    expect([weight, clock.now(), clock.paused]).toEqual([10, 1_000, true]);
    await clock.advanceAutomatically(600_000); // paused: nothing moves
    expect([weight, clock.now()]).toEqual([10, 1_000]);
    clock.resume();
    await clock.advanceAutomatically(600_000);
    expect([weight, clock.now()]).toEqual([100, 601_000]);
  });

  it('a test still moves paused time explicitly', async () => {
    const clock = new Clock(0);
    let fired = false;
    clock.schedule(500, () => {
      fired = true;
    });
    clock.pause();
    await clock.advance(1_000);
    expect([fired, clock.now(), clock.paused]).toEqual([true, 1_000, true]);
  });

  it('in real-time mode stands still while paused, and goes on after resume', async () => {
    const clock = new Clock(Date.now());
    let fired = false;
    clock.schedule(60_000, () => {
      fired = true;
    });
    clock.pause();
    clock.startRealTime(1000, 5);
    try {
      const pausedAt = clock.now();
      // Twenty ticks of the ticker, counted by ticks rather than by time: none moves a paused clock.
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect([fired, clock.now()]).toEqual([false, pausedAt]);
      clock.resume();
      await vi.waitFor(() => expect(fired).toBe(true), { timeout: 5000, interval: 10 });
    } finally {
      clock.stopRealTime();
    }
  });
});
