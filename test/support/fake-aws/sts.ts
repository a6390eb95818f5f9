import { partitionOf } from './partition.js';
import type { Params } from './protocols.js';

/** STS (awsQuery): who the dummy credentials belong to. */
export class StsService {
  readonly xmlns = 'https://sts.amazonaws.com/doc/2011-06-15/';

  constructor(
    private readonly accountId: string,
    private readonly region: string,
  ) {}

  /** The result, or null for an action the fake does not know (answered as InvalidAction). */
  call(action: string, _params: Params): Params | null {
    if (action === 'GetCallerIdentity') {
      return {
        UserId: 'AIDAFAKEAWSUSER00000',
        Account: this.accountId,
        Arn: `arn:${partitionOf(this.region).partition}:iam::${this.accountId}:user/fake-aws`,
      };
    }
    return null;
  }
}
