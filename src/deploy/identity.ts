import type { AwsClients } from '../aws/clients.js';

export interface Identity {
  account: string;
  arn: string;
}

/** Who the credentials are (STS GetCallerIdentity): the account deploy works in, said before anything changes. */
export async function callerIdentity(clients: AwsClients): Promise<Identity> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const sts = await clients.sts();
  const out = await sts.send(new GetCallerIdentityCommand({}));
  return { account: out.Account ?? '', arn: out.Arn ?? '' };
}
