import { type AuthMode, productionAuthProblem, type ResolvedEnvironment } from '../config/schema.js';
import { UserError } from '../errors.js';

/** Requests one client IP may send in any 5-minute window before WAF blocks it, unless the file says. */
export const DEFAULT_RATE_LIMIT = 1000;

/** The security choices of one environment, defaults applied (docs/security.md). */
export interface SecuritySettings {
  auth: AuthMode;
  waf: { enabled: boolean; rateLimit: number };
  customDomain: { domainName: string; certificateArn: string } | undefined;
}

export function securitySettings(env: ResolvedEnvironment): SecuritySettings {
  const auth = env.auth ?? 'cognito';
  // The schema refuses this in a file; an environment built in code must not slip through either.
  const problem = productionAuthProblem(env.name, auth);
  if (problem) {
    throw new UserError(`${problem}.`, {
      suggestion: 'Remove "auth" from the Production environment of serverless-infra.json.',
    });
  }
  return {
    auth,
    waf: {
      enabled: env.waf?.enabled ?? env.name === 'Production',
      rateLimit: env.waf?.rateLimit ?? DEFAULT_RATE_LIMIT,
    },
    customDomain: env.customDomain,
  };
}

/** What synth and deploy say about an environment whose writes are open to anyone. */
export function securityWarnings(env: ResolvedEnvironment): string[] {
  const settings = securitySettings(env);
  const warnings: string[] = [];
  if (settings.auth === 'none') {
    warnings.push(
      `"auth": "none": anyone on the internet can create, change and delete items of ${env.name} ` +
        '(each create also writes to S3 and sends a notification).',
    );
  }
  if (!settings.waf.enabled && env.name === 'Production') {
    warnings.push('WAF is off in Production: no managed rule groups and no per-IP rate limit.');
  }
  return warnings;
}
