import { describe, expect, it } from 'vitest';
import { parseSmokeReport, smokeFailure } from '../../src/release/smoke-report.js';

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ timestamp: '2026-12-07T12:00:00.000Z', level: 'INFO', hookExecutionId: 'x', ...fields });

describe("the smoke hook's report, from its log lines", () => {
  it("keeps this deployment's steps and results, in order, and ignores other deployments and other lines", () => {
    const report = parseSmokeReport(
      [
        'START RequestId: 1 Version: $LATEST',
        line({ message: 'smoke test started', deploymentId: 'd-1', lifecycleEvent: 'BeforeAllowTraffic' }),
        line({
          message: 'smoke step passed',
          deploymentId: 'd-1',
          lifecycleEvent: 'BeforeAllowTraffic',
          step: 'GET /health',
          detail: '200 ok',
        }),
        line({
          message: 'smoke step failed',
          deploymentId: 'd-2',
          lifecycleEvent: 'BeforeAllowTraffic',
          step: 'GET /items',
          reason: 'not mine',
        }),
        `2026-12-07T12:00:00.000Z\treq\tINFO\t${line({ message: 'smoke step failed', deploymentId: 'd-1', lifecycleEvent: 'BeforeAllowTraffic', step: 'GET /items', reason: 'answered 503' })}`,
        line({
          message: 'smoke test Failed',
          deploymentId: 'd-1',
          lifecycleEvent: 'BeforeAllowTraffic',
          reason: 'GET /items: answered 503',
        }),
        'not json {',
      ],
      'd-1',
    );
    expect(report).toEqual({
      steps: [
        { event: 'BeforeAllowTraffic', step: 'GET /health', passed: true, detail: '200 ok' },
        { event: 'BeforeAllowTraffic', step: 'GET /items', passed: false, detail: 'answered 503' },
      ],
      results: [{ event: 'BeforeAllowTraffic', status: 'Failed', reason: 'GET /items: answered 503' }],
    });
    expect(smokeFailure(report)?.reason).toBe('GET /items: answered 503');
  });

  it('nothing logged yet: no steps, no results, no failure', () => {
    const report = parseSmokeReport([], 'd-1');
    expect(report).toEqual({ steps: [], results: [] });
    expect(smokeFailure(report)).toBeUndefined();
  });
});
