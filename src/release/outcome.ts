import { ExitCode } from '../errors.js';

/** How a release ended, as the CLI reports it (and `status` shows it in the history). */
export type ReleaseOutcome =
  | 'succeeded'
  | 'failed'
  | 'rolled-back-by-alarm'
  | 'stopped'
  | 'in-progress'
  | 'detached';

/** From a deployment's status and error code (ALARM_ACTIVE = an alarm of the group stopped it). */
export function outcomeOf(status: string | undefined, errorCode?: string | undefined): ReleaseOutcome {
  if (status === 'Succeeded') return 'succeeded';
  if (errorCode === 'ALARM_ACTIVE' && (status === 'Stopped' || status === 'Failed'))
    return 'rolled-back-by-alarm';
  if (status === 'Stopped') return 'stopped';
  if (status === 'Failed') return 'failed';
  return 'in-progress';
}

/** The documented exit code of each outcome (docs/release.md "Exit codes"). */
export function exitCodeOf(outcome: ReleaseOutcome): number {
  switch (outcome) {
    case 'succeeded':
    case 'in-progress':
      return ExitCode.OK;
    case 'failed':
      return ExitCode.RELEASE_FAILED;
    case 'rolled-back-by-alarm':
      return ExitCode.RELEASE_ROLLED_BACK;
    case 'stopped':
      return ExitCode.RELEASE_STOPPED;
    case 'detached':
      return ExitCode.DETACHED;
  }
}
