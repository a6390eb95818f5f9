import path from 'node:path';
import { AwsClients } from '../aws/clients.js';
import { loadProject, projectFilePath, resolveEnvironment } from '../config/project-file.js';
import { AWS_REGIONS, isAwsRegion } from '../config/regions.js';
import type { ResolvedEnvironment } from '../config/schema.js';
import { UsageError } from '../errors.js';

/** The flags every command shares that say where to work. */
export interface WhereFlags {
  environment?: string | undefined;
  region?: string | undefined;
  profile?: string | undefined;
}

/** An environment of the project file, with --region applied: what synth, audit and dev work on. */
export interface Target {
  env: ResolvedEnvironment;
  /** The project file's region, when --region points elsewhere. */
  projectRegion: ResolvedEnvironment['region'];
  /** The directory of the project file (a relative handler path is resolved from it). */
  projectDir: string;
}

/** The target plus the AWS clients for it: what every command that talks to AWS works on. */
export interface Session extends Target {
  region: ResolvedEnvironment['region'];
  profile: string | undefined;
  clients: AwsClients;
}

/** --region checked as the project file checks its region: a typo is an error now, not a failed call later. */
export function validRegion(region: string): ResolvedEnvironment['region'] {
  if (!isAwsRegion(region)) {
    throw new UsageError(
      `"${region}" is not an AWS region.`,
      `Pass --region with one of ${AWS_REGIONS.join(', ')}.`,
    );
  }
  return region;
}

export async function openTarget(flags: WhereFlags): Promise<Target> {
  const file = projectFilePath();
  const env = resolveEnvironment(await loadProject(file), flags.environment);
  const projectRegion = env.region;
  if (flags.region !== undefined) env.region = validRegion(flags.region);
  return { env, projectRegion, projectDir: path.dirname(file) };
}

/**
 * A named profile must exist in the shared config or credentials file: the SDK would otherwise fail later
 * with a message about credentials that does not say the name was wrong.
 */
export async function checkProfile(profile: string | undefined): Promise<void> {
  if (profile === undefined) return;
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  let files: { configFile: Record<string, unknown>; credentialsFile: Record<string, unknown> };
  try {
    files = await loadSharedConfigFiles({ ignoreCache: true });
  } catch {
    files = { configFile: {}, credentialsFile: {} };
  }
  if (files.configFile[profile] || files.credentialsFile[profile]) return;
  const known = [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])];
  throw new UsageError(
    `The AWS profile "${profile}" does not exist (in ${process.env.AWS_CONFIG_FILE ?? '~/.aws/config'} or ${process.env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials'}).`,
    known.length > 0
      ? `Pass --profile with one of ${known.join(', ')}, or create it with \`aws configure --profile ${profile}\`.`
      : `Create it with \`aws configure --profile ${profile}\` (or \`aws configure sso\`), or leave --profile out.`,
  );
}

export async function openSession(flags: WhereFlags): Promise<Session> {
  const target = await openTarget(flags);
  await checkProfile(flags.profile);
  const region = target.env.region;
  return {
    ...target,
    region,
    profile: flags.profile,
    clients: new AwsClients({ region, profile: flags.profile }),
  };
}
