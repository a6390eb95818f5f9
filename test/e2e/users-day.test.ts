// The user's day (users-day.ts) as AWS behaves on a good day, the project in another region than the fake's
// default region.
import { usersDay } from './users-day.js';

usersDay({ name: 'another region than the fake default', accountId: '100000000001' });
