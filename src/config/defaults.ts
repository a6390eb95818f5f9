import { isAwsRegion } from './regions.js';

/**
 * The region a new environment defaults to: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region in
 * the shared config file, as the AWS CLI and SDKs resolve it.
 */
export async function defaultRegion(profile?: string): Promise<string | undefined> {
  const fromEnv = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  try {
    const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
    const { configFile } = await loadSharedConfigFiles();
    const region = configFile[profile ?? process.env.AWS_PROFILE ?? 'default']?.region;
    return region && isAwsRegion(region) ? region : undefined;
  } catch {
    return undefined; // no or unreadable shared config: no default
  }
}
