// The user's day (users-day.ts) with AWS's clock 10 minutes ahead of this machine's, a load balancer's
// HTML 5xx pages and connection resets at random calls (seeded), and reads that lag writes by two polls.
import { usersDay } from './users-day.js';

usersDay({
  name: 'clock +10 min, HTML 5xx and resets, stale reads',
  accountId: '100000000002',
  fake: { clockSkewMs: 10 * 60_000, transientFaults: { seed: 7, rate: 0.05 }, lagReadsPolls: 2 },
});
