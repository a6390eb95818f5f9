import type { Clock } from './clock.js';
import { CloudFormationService } from './cloudformation/api.js';
import { CodeDeployService } from './codedeploy.js';
import type { Faults } from './faults.js';
import { LambdaService } from './lambda.js';
import { StsService } from './sts.js';

/**
 * AWS keeps everything per account and region: a stack, a function, a deployment group exist in one
 * region of one account, and the same name elsewhere is another resource. The fake does the same: each
 * (account, region) a request names gets its own services, created on first use. The region comes from
 * the request's SigV4 credential scope; the account from its access key (see `accessKeyFor`).
 */
export interface ScopeKey {
  accountId: string;
  region: string;
}

/** The services of one account in one region. */
export interface ScopedServices {
  readonly key: ScopeKey;
  readonly cloudformation: CloudFormationService;
  readonly codedeploy: CodeDeployService;
  readonly lambda: LambdaService;
  readonly sts: StsService;
}

export interface SharedDeps {
  clock: Clock;
  faults: Faults;
  motoEndpoint: string;
  resourceDurations: Record<string, number>;
  /** What a function run by Invoke gets for its own AWS calls: endpoints and the account's credentials. */
  awsEnvFor: (key: ScopeKey) => Record<string, string>;
}

/** Access keys the fake reads as another account's: `AKIA` + the 12-digit account + `FAKE` (20 characters). */
export const accessKeyFor = (accountId: string) => `AKIA${accountId}FAKE`;

const ACCESS_KEY = /^AKIA(\d{12})FAKE$/;

/** The account and region a signed request is for; unsigned requests (or other keys) get the defaults. */
export function scopeOfRequest(authorization: string, defaults: ScopeKey): ScopeKey {
  const credential = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(authorization);
  return {
    accountId: ACCESS_KEY.exec(credential?.[1] ?? '')?.[1] ?? defaults.accountId,
    region: credential?.[2] ?? defaults.region,
  };
}

export class Scopes {
  readonly #scopes = new Map<string, ScopedServices>();

  constructor(
    private readonly shared: SharedDeps,
    readonly defaults: ScopeKey,
  ) {}

  get(key: Partial<ScopeKey> = {}): ScopedServices {
    const full = { ...this.defaults, ...key };
    const id = `${full.accountId}/${full.region}`;
    let services = this.#scopes.get(id);
    if (!services) {
      services = create(full, this.shared);
      this.#scopes.set(id, services);
    }
    return services;
  }

  all(): ScopedServices[] {
    return [...this.#scopes.values()];
  }

  /** Forgets every stack, deployment and function in every account and region. */
  reset(): void {
    for (const services of this.#scopes.values()) {
      services.cloudformation.reset();
      services.codedeploy.reset();
      services.lambda.reset();
    }
  }
}

function create(key: ScopeKey, shared: SharedDeps): ScopedServices {
  const { clock, faults, motoEndpoint, resourceDurations } = shared;
  const { region, accountId } = key;
  const lambda = new LambdaService(clock, region, accountId, {
    awsEnv: () => shared.awsEnvFor(key),
    motoEndpoint,
  });
  const codedeploy = new CodeDeployService({ clock, faults, lambda, region, accountId, motoEndpoint });
  const cloudformation = new CloudFormationService({
    clock,
    faults,
    lambda,
    codedeploy,
    region,
    accountId,
    motoEndpoint,
    resourceDurations,
  });
  return { key, cloudformation, codedeploy, lambda, sts: new StsService(accountId, region) };
}
