import type { ReleaseView } from '../release/follow.js';
import type { VersionHealth } from '../release/health.js';
import type { ReleaseSnapshot } from '../release/snapshot.js';
import { style } from './style.js';
import { rendererMode } from './terminal.js';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Wall-clock time of day, local time: "14:05:12". */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** "4m 05s", "1h 02m", "12s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad2(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad2(Math.floor((s % 3600) / 60))}m`;
}

const pct = (n: number) => `${Math.round(n * 10) / 10} %`;

/** The split as a bar: old version on the left (░), new version on the right (█). */
export function trafficBar(newPercent: number, width = 40): string {
  const fresh = Math.round((Math.min(100, Math.max(0, newPercent)) / 100) * width);
  return style.dim('░'.repeat(width - fresh)) + style.green('█'.repeat(fresh));
}

function versions(s: ReleaseSnapshot): string {
  return `v${s.from ?? '?'} ${pct(100 - s.newPercent)} | v${s.to ?? '?'} ${pct(s.newPercent)}`;
}

/** An instant of AWS's, as a local time of day. */
const local = (s: ReleaseSnapshot, awsMs: number) => formatClock(awsMs - s.clockOffsetMs);

/** `now` is local; AWS's instants are compared with it through the snapshot's clock offset. */
function stepLine(s: ReleaseSnapshot, now: number): string {
  if (!s.inFlight) return `${s.status}${s.endedAt ? ` at ${local(s, s.endedAt)}` : ''}`;
  if (s.newPercent <= 0) {
    return s.strategy === 'all-at-once' ? '100 % when the hooks pass' : 'waiting for the first traffic step';
  }
  if (!s.next) return `${pct(s.newPercent)} now`;
  const strategy = s.strategy === 'linear' ? 'linear' : 'canary';
  const wait = s.next.at.getTime() - (now + s.clockOffsetMs);
  const when = wait > 0 ? `in ${formatDuration(wait)}` : 'due';
  return `${strategy}: ${pct(s.newPercent)} now, ${pct(s.next.percent)} at ${local(s, s.next.at.getTime())} (${when})`;
}

const HOOK_MARK: Record<string, string> = {
  Succeeded: '✔',
  Failed: '✖',
  InProgress: '…',
  Pending: '·',
  Skipped: '-',
  Unknown: '?',
};

function hooksLine(s: ReleaseSnapshot): string {
  if (s.hooks.length === 0) return style.dim('none yet');
  return s.hooks.map((h) => `${h.name} ${HOOK_MARK[h.status] ?? h.status}`).join('  ');
}

function alarmsLine(s: ReleaseSnapshot): string {
  if (s.alarms.length === 0) return style.dim('none configured');
  return s.alarms
    .map(
      (a) =>
        `${a.name} ${a.state === 'ALARM' ? style.red(a.state) : a.state === 'OK' ? style.green('OK') : a.state}`,
    )
    .join('  ');
}

/** Since the deployment started, in AWS's time (its start) against AWS's now. */
function elapsed(s: ReleaseSnapshot, now: number): string {
  const awsNow = now + s.clockOffsetMs;
  const started = s.startedAt ?? s.createdAt ?? awsNow;
  return formatDuration((s.endedAt ?? awsNow) - started);
}

/** The live view: a few lines redrawn in place. */
export function renderLive(s: ReleaseSnapshot, now: number, title: string): string[] {
  const lines = [
    `${style.bold(title)}  ${style.dim(s.deploymentId)}${s.config ? style.dim(`  ${s.config}`) : ''}`,
    `  ${trafficBar(s.newPercent)}  ${versions(s)}`,
    `  ${'Step'.padEnd(7)}${stepLine(s, now)}`,
    `  ${'Hooks'.padEnd(7)}${hooksLine(s)}`,
    `  ${'Alarms'.padEnd(7)}${alarmsLine(s)}`,
    ...healthLines(s),
    `  ${'Status'.padEnd(7)}${s.status}  ${style.dim('elapsed')} ${elapsed(s, now)}`,
  ];
  if (s.smokeTest?.steps.length) lines.push(`  ${'Smoke'.padEnd(7)}${smokeLine(s)}`);
  const failed = s.smokeTest?.results.find((r) => r.status === 'Failed');
  if (failed) lines.push(`  ${style.red('✖')} smoke test (${failed.event}): ${failed.reason ?? 'failed'}`);
  if (s.error?.message)
    lines.push(`  ${style.red('!')} ${s.error.code ? `${s.error.code}: ` : ''}${s.error.message}`);
  return lines;
}

/** One version's health: "v2  120 req  3 err (2.5 %)  p50 12 ms  p99 48 ms". */
export function healthText(h: VersionHealth): string {
  if (h.requests === 0) return `v${h.version}  no requests`;
  const rate = h.errorRate === null ? '' : ` (${pct(Math.round(h.errorRate * 1000) / 10)})`;
  const errors = `${h.errors} err${rate}`;
  const ms = (v: number | null) => (v === null ? '-' : `${v} ms`);
  return `v${h.version}  ${h.requests} req  ${h.errors > 0 ? style.red(errors) : errors}  p50 ${ms(h.p50Ms)}  p99 ${ms(h.p99Ms)}`;
}

function healthLines(s: ReleaseSnapshot): string[] {
  if (!s.health?.length) return [];
  return s.health.map((h, i) => `  ${(i === 0 ? 'Health' : '').padEnd(7)}${healthText(h)}`);
}

/** The smoke hook's steps of the latest hook run: "GET /health ✔  GET /items ✖". */
function smokeLine(s: ReleaseSnapshot): string {
  const steps = s.smokeTest?.steps ?? [];
  const latest = steps.at(-1)?.event;
  return steps
    .filter((step) => step.event === latest)
    .map((step) => `${step.step} ${step.passed ? style.green('✔') : style.red('✖')}`)
    .join('  ');
}

/** Without a terminal: one line per change, timestamped. */
export function plainLines(prev: ReleaseSnapshot | undefined, s: ReleaseSnapshot): string[] {
  const at = formatClock(s.takenAt);
  const out: string[] = [];
  if (!prev || prev.status !== s.status) out.push(`${at} ${s.deploymentId} ${s.status}`);
  if (!prev || prev.newPercent !== s.newPercent) {
    const next = s.next ? `, next ${pct(s.next.percent)} at ${local(s, s.next.at.getTime())}` : '';
    out.push(`${at} traffic ${versions(s)}${next}`);
  }
  for (const hook of s.hooks) {
    const before = prev?.hooks.find((h) => h.name === hook.name)?.status;
    if (before !== hook.status && !(before === undefined && hook.status === 'Pending')) {
      out.push(`${at} hook ${hook.name} ${hook.status}`);
    }
  }
  for (const alarm of s.alarms) {
    const before = prev?.alarms.find((a) => a.name === alarm.name)?.state;
    if (before !== alarm.state && alarm.state !== 'UNKNOWN')
      out.push(`${at} alarm ${alarm.name} ${alarm.state}`);
  }
  if (s.health?.length && JSON.stringify(prev?.health) !== JSON.stringify(s.health)) {
    out.push(`${at} health ${s.health.map(healthText).join(' | ')}`);
  }
  for (const step of s.smokeTest?.steps.slice(prev?.smokeTest?.steps.length ?? 0) ?? []) {
    const what = step.detail ? `: ${step.detail}` : '';
    out.push(`${at} smoke ${step.event} ${step.step} ${step.passed ? 'passed' : 'failed'}${what}`);
  }
  for (const result of s.smokeTest?.results.slice(prev?.smokeTest?.results.length ?? 0) ?? []) {
    const why = result.reason ? `: ${result.reason}` : '';
    out.push(`${at} smoke test ${result.event} ${result.status}${why}`);
  }
  if (s.error?.message && prev?.error?.message !== s.error.message) {
    out.push(`${at} ${s.error.code ?? 'error'}: ${s.error.message}`);
  }
  return out;
}

interface Output {
  write(text: string): unknown;
  /** The terminal's width, when the output is one. */
  columns?: number;
}

const SGR = '\u001b\\[[0-9;]*m'; // an ANSI styling sequence

/**
 * Cuts a line to the terminal's width (ANSI styling does not count). A wrapped line would take two rows,
 * and the redraw, which moves up one row per line, would leave a row of the previous frame behind.
 */
export function fitToWidth(line: string, columns: number | undefined): string {
  if (!columns || line.replace(new RegExp(SGR, 'g'), '').length <= columns) return line;
  const styling = new RegExp(`^${SGR}`);
  let visible = 0;
  let cut = 0;
  while (cut < line.length && visible < columns - 1) {
    const sequence = styling.exec(line.slice(cut));
    if (sequence) cut += sequence[0].length;
    else {
      visible++;
      cut++;
    }
  }
  return `${line.slice(0, cut)}…\u001b[0m`;
}

/** Redraws in place on a terminal, and every second so the countdown and elapsed time move. */
export class LiveView implements ReleaseView {
  private last: ReleaseSnapshot | undefined;
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: Output,
    private readonly title: string,
    private readonly now: () => number = Date.now,
  ) {}

  update(snapshot: ReleaseSnapshot): void {
    this.last = snapshot;
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref();
    }
    this.draw();
  }

  private draw(): void {
    if (!this.last) return;
    const lines = renderLive(this.last, this.now(), this.title);
    const up = this.drawn > 0 ? `\u001b[${this.drawn}F` : '';
    const fitted = lines.map((l) => `\u001b[2K${fitToWidth(l, this.out.columns)}`);
    this.out.write(`${up}${fitted.join('\n')}\n\u001b[J`);
    this.drawn = lines.length;
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw();
  }
}

export class PlainView implements ReleaseView {
  private last: ReleaseSnapshot | undefined;

  constructor(private readonly out: Output) {}

  update(snapshot: ReleaseSnapshot): void {
    for (const line of plainLines(this.last, snapshot)) this.out.write(`${line}\n`);
    this.last = snapshot;
  }

  stop(): void {}
}

export const silentView: ReleaseView = { update() {}, stop() {} };

/**
 * The views of a release command, in the mode the terminal policy chose: the shift's (or rollback's) and
 * the one for a rollback deployment CodeDeploy may run after it. Countdowns and elapsed times compare AWS's
 * instants with AWS's now (the snapshot's clock offset), whatever the local clock's skew.
 */
export function createViews(options: {
  json: boolean;
  verbose: boolean;
  command: string;
  stackName: string;
}): { view: ReleaseView; rollbackView: ReleaseView } {
  const mode = rendererMode(options);
  const make = (title: string): ReleaseView =>
    mode === 'silent'
      ? silentView
      : mode === 'live'
        ? new LiveView(process.stderr, title)
        : new PlainView(process.stderr);
  return {
    view: make(`${options.command} · ${options.stackName}`),
    rollbackView: make(`rollback · ${options.stackName}`),
  };
}
