// The user's day (users-day.ts) with AWS's clock 10 minutes behind this machine's.
import { usersDay } from './users-day.js';

usersDay({ name: 'clock -10 min', accountId: '100000000003', fake: { clockSkewMs: -10 * 60_000 } });
