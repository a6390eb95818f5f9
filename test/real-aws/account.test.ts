/**
 * When `npm run test:aws` may touch an account (account.ts), with STS answered by the fake: skipped unless
 * the variable is set, refused unless the credentials resolve to the account it names.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { ACCOUNT_VARIABLE, decideAccount, REGION_VARIABLE, RefusedError, realAccountEnv } from './account.js';

let fake: FakeAws;
const ACCOUNT = '100000000014';

beforeAll(async () => {
  fake = await startFakeAws({ accountId: ACCOUNT });
});
afterAll(async () => {
  await fake?.stop();
});

/** STS of the fake: it answers with the account the access key names. */
const sts = (region: string) => new STSClient(fake.sdkConfigFor({ region }));

describe('the real-account switch', () => {
  it('unset: skipped, with one line naming the variable; STS is not even asked', async () => {
    let asked = false;
    const decision = await decideAccount({}, (region) => {
      asked = true;
      return sts(region);
    });
    expect(decision.run).toBe(false);
    expect(decision.message).toMatch(/^test:aws skipped: set SERVERLESS_INFRA_TEST_ACCOUNT to /);
    expect(decision.message.split('\n')).toHaveLength(1);
    expect(asked).toBe(false);
  });

  it('the credentials resolve to another account: refused, naming both', async () => {
    const refusal = decideAccount({ [ACCOUNT_VARIABLE]: '999999999999' }, sts);
    await expect(refusal).rejects.toBeInstanceOf(RefusedError);
    await expect(refusal).rejects.toThrow(
      `SERVERLESS_INFRA_TEST_ACCOUNT=999999999999, but the credentials resolve to account ${ACCOUNT}`,
    );
  });

  it('the right account: runs, in SERVERLESS_INFRA_TEST_REGION or us-east-1', async () => {
    expect(await decideAccount({ [ACCOUNT_VARIABLE]: ACCOUNT }, sts)).toMatchObject({
      run: true,
      account: ACCOUNT,
      region: 'us-east-1',
    });
    const chosen = await decideAccount({ [ACCOUNT_VARIABLE]: ACCOUNT, [REGION_VARIABLE]: 'eu-west-3' }, sts);
    expect(chosen).toMatchObject({ run: true, region: 'eu-west-3' });
  });

  it('refused before STS: not an account id, not a region, endpoints pointing elsewhere, no credentials', async () => {
    await expect(decideAccount({ [ACCOUNT_VARIABLE]: '12345' }, sts)).rejects.toThrow(/not a 12-digit/);
    await expect(
      decideAccount({ [ACCOUNT_VARIABLE]: ACCOUNT, [REGION_VARIABLE]: 'eu-middle-9' }, sts),
    ).rejects.toThrow(/SERVERLESS_INFRA_TEST_REGION=eu-middle-9 is not an AWS region/);
    await expect(
      decideAccount({ [ACCOUNT_VARIABLE]: ACCOUNT, AWS_ENDPOINT_URL_STS: fake.endpoint }, sts),
    ).rejects.toThrow(/AWS_ENDPOINT_URL_STS is set: the real-account suite talks to AWS itself/);
    fake.faults.expireCredentials();
    try {
      await expect(decideAccount({ [ACCOUNT_VARIABLE]: ACCOUNT }, sts)).rejects.toThrow(
        /could not tell which account the credentials belong to \(STS GetCallerIdentity: ExpiredToken/,
      );
    } finally {
      fake.faults.restoreCredentials();
    }
  });

  it("the CLI reaches the account as the person's shell does: their AWS_* settings and config files", () => {
    const env = realAccountEnv({ AWS_PROFILE: 'sandbox', HOME: '/home/x', PATH: '/bin' }, 'eu-west-3');
    expect(env).toMatchObject({
      AWS_PROFILE: 'sandbox',
      AWS_REGION: 'eu-west-3',
      AWS_DEFAULT_REGION: 'eu-west-3',
    });
    expect(env.AWS_CONFIG_FILE).toMatch(/\.aws\/config$/);
    expect(env.PATH).toBeUndefined();
  });
});
