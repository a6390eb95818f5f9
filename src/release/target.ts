import { ExitCode, UserError } from '../errors.js';
import { type AliasTraffic, newestVersion, servesOnly } from './versions.js';

/** Which version a release moves the alias from and to. */
export interface ReleaseTarget {
  from: string;
  to: string;
}

function describeTraffic(traffic: AliasTraffic): string {
  const parts = Object.entries(traffic.percent)
    .filter(([, p]) => p > 0)
    .map(([v, p]) => `${p} % on version ${v}`);
  return parts.join(', ');
}

function requireExisting(versions: readonly string[], version: string, functionName: string): void {
  if (versions.includes(version)) return;
  const known = versions.length > 0 ? versions.join(', ') : 'none';
  throw new UserError(
    `Version ${version} of ${functionName} does not exist (published versions: ${known}).`,
    {
      exitCode: ExitCode.USAGE,
      code: 'UnknownVersion',
      suggestion:
        'Pass --to with a published version, or run `serverless-infra deploy` to publish a new one.',
    },
  );
}

/** `shift`: the newest published version by default, or `--to`; refuses what cannot be a release. */
export function chooseShiftTarget(options: {
  functionName: string;
  versions: readonly string[];
  traffic: AliasTraffic;
  requested?: string | undefined;
}): ReleaseTarget {
  const { functionName, versions, traffic, requested } = options;
  const to = requested ?? newestVersion(versions);
  if (to === undefined) {
    throw new UserError(`${functionName} has no published version to release.`, {
      code: 'UnknownVersion',
      suggestion: 'Run `serverless-infra deploy` to publish one.',
    });
  }
  requireExisting(versions, to, functionName);
  if (servesOnly(traffic, to)) {
    throw new UserError(`The alias already serves version ${to} (${describeTraffic(traffic)}).`, {
      code: 'AlreadyServed',
      suggestion: requested
        ? 'Nothing to do. Pass --to with another version to release that one.'
        : 'Nothing to do: deploy a code change first (it publishes a new version), or pass --to.',
    });
  }
  return { from: traffic.version, to };
}

/** A past release, as far as choosing where to roll back to needs it (newest first in lists). */
export interface PastRelease {
  from?: string | undefined;
  to?: string | undefined;
  outcome: string;
}

/** The version served before the last successful release to what the alias serves now. */
export function previousVersion(releases: readonly PastRelease[], current: string): string | undefined {
  const last = releases.find((r) => r.outcome === 'succeeded' && r.to === current && r.from);
  return last?.from;
}

/** `rollback` with nothing in flight: back to the previous version, or `--to`. */
export function chooseRollbackTarget(options: {
  functionName: string;
  versions: readonly string[];
  traffic: AliasTraffic;
  releases: readonly PastRelease[];
  requested?: string | undefined;
}): ReleaseTarget {
  const { functionName, versions, traffic, releases, requested } = options;
  const to = requested ?? previousVersion(releases, traffic.version);
  if (to === undefined) {
    throw new UserError(
      `Nothing to roll back to: no successful release to version ${traffic.version} is on record.`,
      {
        code: 'NothingToRollBack',
        suggestion: 'Pass --to VERSION to move the alias to a version of your choice.',
      },
    );
  }
  requireExisting(versions, to, functionName);
  if (servesOnly(traffic, to)) {
    throw new UserError(`The alias already serves version ${to}: nothing to roll back.`, {
      code: 'AlreadyServed',
      suggestion: 'Pass --to with another version.',
    });
  }
  return { from: traffic.version, to };
}
