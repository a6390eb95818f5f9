import { describe, expect, it } from 'vitest';
import { filterPatternOf, parseSince, versionOfStream } from '../../src/logs/events.js';
import { formatLogEvent } from '../../src/ui/log-lines.js';

// NO_COLOR is unset in some runs: compare without the ANSI styling.
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const plain = (text: string) => text.replace(SGR, '');
const at = Date.UTC(2026, 11, 7, 12, 0, 1, 234);
const line = (message: string, version?: string) =>
  plain(formatLogEvent({ timestamp: at, version, message }));
const time = (() => {
  const d = new Date(at);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
})();

describe('log lines', () => {
  it("the runtime's JSON line: LEVEL request id message key=value", () => {
    const json = JSON.stringify({
      timestamp: '2026-12-07T12:00:01.234Z',
      level: 'WARN',
      message: 'A store is throttling',
      requestId: 'req-1',
      status: 503,
      path: '/items',
    });
    expect(line(json, '7')).toBe(`${time} [v7] WARN  req-1 A store is throttling status=503 path=/items`);
  });

  it("the Node.js runtime's text line (console.log) and its Invoke Error", () => {
    expect(line('2026-12-07T12:00:01.234Z\tabc-123\tINFO\thandling GET /items', '2')).toBe(
      `${time} [v2] INFO  abc-123 handling GET /items`,
    );
    expect(
      line('2026-12-07T12:00:01.234Z\tabc-123\tERROR\t{"errorType":"Error","errorMessage":"boom"}'),
    ).toBe(`${time} ERROR abc-123 errorType=Error errorMessage=boom`);
  });

  it("the runtime's Invoke Error line: the words, then the error's fields without its stack", () => {
    expect(
      line(
        '2026-12-07T12:00:01.234Z\tabc-123\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom","stack":["Error: boom","    at t (index.mjs:1:87)"]}',
        '3',
      ),
    ).toBe(`${time} [v3] ERROR abc-123 Invoke Error errorType=Error errorMessage=boom`);
  });

  it("Lambda's START/END/REPORT lines keep their request id", () => {
    expect(line('START RequestId: abc-123 Version: 4', '4')).toBe(`${time} [v4] START abc-123 Version: 4`);
    expect(line('REPORT RequestId: abc-123\tDuration: 12.00 ms\tBilled Duration: 12 ms')).toBe(
      `${time} REPORT abc-123  Duration: 12.00 ms  Billed Duration: 12 ms`,
    );
  });

  it('anything else as it is', () => {
    expect(line('plain text {not json')).toBe(`${time} plain text {not json`);
  });
});

describe('logs options', () => {
  it('--since: s, m, h, d; anything else is a usage error naming the flag', () => {
    expect(parseSince('30s')).toBe(30_000);
    expect(parseSince('10m')).toBe(600_000);
    expect(parseSince('2h')).toBe(7_200_000);
    expect(parseSince('1d')).toBe(86_400_000);
    expect(() => parseSince('10 minutes')).toThrow(/--since 10 minutes/);
  });

  it('--filter: text becomes one quoted term; a filter pattern passes as it is', () => {
    expect(filterPatternOf('boom')).toBe('"boom"');
    expect(filterPatternOf('say "hi"')).toBe('"say \\"hi\\""');
    expect(filterPatternOf('{ $.level = "ERROR" }')).toBe('{ $.level = "ERROR" }');
    expect(filterPatternOf(undefined)).toBeUndefined();
  });

  it('--version: the version in a Lambda stream name', () => {
    expect(versionOfStream('2026/12/07/[12]0123456789abcdef')).toBe('12');
    expect(versionOfStream('2026/12/07/[$LATEST]0123456789abcdef')).toBe('$LATEST');
    expect(versionOfStream('some-other-stream')).toBeUndefined();
  });
});
