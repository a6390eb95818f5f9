import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { nextStep, parseStrategy, trafficPlan } from '../../src/release/strategy.js';

describe('parseStrategy', () => {
  it('maps the shorthands and accepts full config names, with or without the prefix', () => {
    expect(parseStrategy('canary', 'LambdaAllAtOnce')).toBe('LambdaCanary10Percent5Minutes');
    expect(parseStrategy('linear', 'LambdaAllAtOnce')).toBe('LambdaLinear10PercentEvery1Minute');
    expect(parseStrategy('all-at-once', 'LambdaCanary10Percent5Minutes')).toBe('LambdaAllAtOnce');
    expect(parseStrategy('CodeDeployDefault.LambdaCanary10Percent30Minutes', 'LambdaAllAtOnce')).toBe(
      'LambdaCanary10Percent30Minutes',
    );
    expect(parseStrategy(undefined, 'LambdaLinear10PercentEvery3Minutes')).toBe(
      'LambdaLinear10PercentEvery3Minutes',
    );
  });

  it('rejects anything else with the choices', () => {
    expect(() => parseStrategy('blue-green', 'LambdaAllAtOnce')).toThrow(UsageError);
  });
});

describe('trafficPlan and nextStep', () => {
  const start = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));

  it('canary: 100 % one interval after traffic started', () => {
    const plan = trafficPlan('CodeDeployDefault.LambdaCanary10Percent15Minutes')!;
    expect(plan).toEqual({ strategy: 'canary', stepPercent: 10, intervalMinutes: 15 });
    expect(nextStep(plan, start, 10)).toEqual({
      percent: 100,
      at: new Date(Date.UTC(2026, 0, 1, 12, 15, 0)),
    });
  });

  it('linear: the next +step at the next interval, from the weight now', () => {
    const plan = trafficPlan('LambdaLinear10PercentEvery2Minutes')!;
    expect(nextStep(plan, start, 10)).toEqual({ percent: 20, at: new Date(Date.UTC(2026, 0, 1, 12, 2, 0)) });
    expect(nextStep(plan, start, 30)).toEqual({ percent: 40, at: new Date(Date.UTC(2026, 0, 1, 12, 6, 0)) });
    expect(nextStep(plan, start, 100)).toBeUndefined();
  });

  it('all at once and unknown configs have no steps to announce', () => {
    expect(nextStep(trafficPlan('LambdaAllAtOnce')!, start, 0)).toBeUndefined();
    expect(trafficPlan('MyCustomConfig')).toBeUndefined();
  });
});
