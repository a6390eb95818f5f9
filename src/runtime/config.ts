import type { WriteAuth } from './access.js';
import { RUNTIME_ENV, WRITE_AUTH } from './contract.js';

/** What the stack tells the function through its environment (names in RUNTIME_ENV). */
export interface RuntimeConfig {
  tableName: string;
  statusIndex: string;
  bucketName: string;
  topicArn: string;
  environment: string;
  corsAllowOrigin: string | undefined;
  writeAuth: WriteAuth;
}

/** Read once at module init: a missing variable fails the cold start loudly instead of every request. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const required = (name: string): string => {
    const value = env[name];
    if (!value)
      throw new Error(`Environment variable ${name} is not set (the stack sets it on the function).`);
    return value;
  };
  return {
    tableName: required(RUNTIME_ENV.tableName),
    statusIndex: env[RUNTIME_ENV.statusIndex] || 'byStatus',
    bucketName: required(RUNTIME_ENV.bucketName),
    topicArn: required(RUNTIME_ENV.topicArn),
    environment: env[RUNTIME_ENV.environment] || 'Development',
    corsAllowOrigin: env[RUNTIME_ENV.corsAllowOrigin] || undefined,
    writeAuth: writeAuthOf(env[RUNTIME_ENV.writeAuth]),
  };
}

/**
 * Only an explicit "none" opens writes. Unset or anything else fails closed: a deployment or a test harness
 * that forgets the variable refuses writes without an identity instead of accepting everyone's.
 */
function writeAuthOf(value: string | undefined): WriteAuth {
  return value === WRITE_AUTH.none ? WRITE_AUTH.none : WRITE_AUTH.required;
}
