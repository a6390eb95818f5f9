/**
 * The scenario as a process of its own, outside vitest: what a person's `npm run test:aws` is to a terminal.
 * The offline test of Ctrl-C (scenario.test.ts) starts it in a process group, interrupts the group as a
 * terminal does, and checks that the guard destroyed what the run had created.
 *
 *   node --import tsx test/real-aws/run-day.ts <config.json>   (config: RunTarget without its functions, runId)
 * Prints the ScenarioResult as JSON on stdout; logs on stderr. Exit 0 when the day passed and nothing is left.
 */
import { readFileSync } from 'node:fs';
import type { RunTarget } from './cleanup.js';
import { runUsersDay } from './scenario.js';

const config = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as Omit<
  RunTarget,
  'sleep' | 'log'
> & {
  runId: string;
};
const { runId, ...target } = config;
const day = await runUsersDay(
  {
    ...target,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (line) => process.stderr.write(`${line}\n`),
  },
  { runId },
);
process.stdout.write(`${JSON.stringify({ ...day, failure: day.failure?.message })}\n`);
process.exit(day.failure || day.cleanup.problems.length > 0 ? 1 : 0);
