// Small helpers shared by the benchmarks.
import { spawnSync } from 'node:child_process';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Wall time in ms of one run of a command (fails loudly if the command fails). */
export function timeCommand(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, { stdio: 'ignore', ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}`);
  return ms;
}

/** Median of `runs` timings, after one warm-up run (file cache), interleaving nothing else. */
export function medianTime(command, args, runs = 11, options = {}) {
  timeCommand(command, args, options);
  return median(Array.from({ length: runs }, () => timeCommand(command, args, options)));
}

export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const row of rows) console.log(row.map((cell, i) => String(cell).padEnd(widths[i])).join('  '));
}
