import type { Params } from './protocols.js';

/** STS (awsQuery): who the dummy credentials belong to. */
export class StsService {
  readonly xmlns = 'https://sts.amazonaws.com/doc/2011-06-15/';

  constructor(private readonly accountId: string) {}

  call(action: string, _params: Params): Params | undefined {
    if (action === 'GetCallerIdentity') {
      return {
        UserId: 'AIDAFAKEAWSUSER00000',
        Account: this.accountId,
        Arn: `arn:aws:iam::${this.accountId}:user/fake-aws`,
      };
    }
    return undefined;
  }
}
