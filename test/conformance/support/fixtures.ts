import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * One fixture = one scenario of real AWS behaviour: the calls made and what AWS answered, in botocore's
 * (boto3's) parsed form, with where the facts come from. See test/conformance/README.md.
 */
export type Evidence =
  /** A response recorded against a real AWS account (LocalStack's parity snapshots). */
  | 'recorded'
  /** The AWS API reference / user guide / botocore documentation describes it; nobody recorded it. */
  | 'documented, not recorded'
  /** Only a third-party implementation shows it (weakest: listed so nobody mistakes it for more). */
  | 'implementation, not recorded';

export interface RecordedSource {
  repository: string;
  path: string;
  commit: string;
  /** The snapshot's key: test file :: test name. */
  snapshot: string;
  /** The snapshot's `recorded-date` (day-month-year, as LocalStack writes it). */
  recordedDate: string;
}

export interface DocumentedSource {
  url: string;
  /** The sentence(s) the fixture rests on, verbatim. */
  quote?: string;
  /** Where the page's text was read, when it was read from a repository. */
  repository?: string;
  path?: string;
  commit?: string;
}

export interface FixtureCall {
  operation: string;
  /** The recording's key for this answer, when the fixture comes from a snapshot. */
  recordedAs?: string;
  /** What this call shows, when the scenario holds several. */
  note?: string;
  output?: Record<string, unknown>;
  error?: { code: string; message: string; httpStatus?: number };
  httpStatus?: number;
}

export interface Fixture {
  service: string;
  scenario: string;
  evidence: Evidence;
  source: RecordedSource | DocumentedSource;
  /** The day we read the source. */
  retrieved: string;
  notes?: string[];
  calls: FixtureCall[];
}

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface LoadedFixture extends Fixture {
  /** Path under fixtures/, e.g. `cloudformation/change-set-empty.json`. */
  file: string;
}

export function loadFixtures(): LoadedFixture[] {
  const files = readdirSync(FIXTURE_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((f) => {
    const fixture = JSON.parse(readFileSync(join(FIXTURE_DIR, f), 'utf8')) as Fixture;
    return { ...fixture, file: relative(FIXTURE_DIR, join(FIXTURE_DIR, f)).split('\\').join('/') };
  });
}

/** The fixture at `service/name.json`. */
export function fixture(file: string): LoadedFixture {
  const found = loadFixtures().find((f) => f.file === file);
  if (!found) throw new Error(`no fixture ${file}`);
  return found;
}

/** The fixture's answer recorded under `recordedAs` (or the n-th call of an operation). */
export function call(f: Fixture, key: string | { operation: string; index?: number }): FixtureCall {
  const found =
    typeof key === 'string'
      ? f.calls.find((c) => c.recordedAs === key)
      : f.calls.filter((c) => c.operation === key.operation)[key.index ?? 0];
  if (!found) throw new Error(`fixture "${f.scenario}" has no call ${JSON.stringify(key)}`);
  return found;
}
