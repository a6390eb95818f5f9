import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Clock } from '../../../src/clock.js';
import type { ReleaseContext } from '../../../src/release/context.js';
import { groupSettings } from '../../../src/release/deployment.js';
import { releaseStackFromOutputs } from '../../../src/release/stack.js';
import { deployFixture } from '../../fake-aws/deploy-fixture.js';
import type { FakeAws } from '../../support/fake-aws/index.js';

/**
 * The release services against the offline fake's CodeDeploy and Lambda on its manual clock: the one model
 * of AWS in the tests (no second model derived from the code under test). The watch sleeps through the
 * fake's clock, so a 10-minute shift is watched in a moment, and the same every time.
 */
export function fakeClock(fake: FakeAws): Clock {
  return {
    now: () => fake.clock.now(),
    sleep: async (ms, signal) => {
      if (!signal?.aborted) await fake.clock.advance(ms);
    },
  };
}

export interface ReleaseFixture {
  context: ReleaseContext;
  clock: Clock;
  alarmName: string;
  /** What the alias serves, as Lambda says. */
  alias(): Promise<{ version: string | undefined; weights: Record<string, number> }>;
  setAlarm(state: 'OK' | 'ALARM'): Promise<void>;
}

/**
 * The fixture stack deployed twice (fake reset first): versions 1 and 2 published, the alias on 1, a
 * CodeDeploy group with one alarm and auto-rollback. `stackName` should be unique to the test file: the
 * alarm lives in the run's shared moto.
 */
export async function releaseFixture(fake: FakeAws, stackName: string): Promise<ReleaseFixture> {
  fake.reset();
  await deployFixture(fake, stackName);
  const outputs = await deployFixture(
    fake,
    stackName,
    { code: 'exports.handler = async () => ({ statusCode: 201 });' },
    { LiveAliasVersion: '1' },
  );
  const codedeploy = new CodeDeployClient(fake.sdkConfig);
  const lambda = new LambdaClient(fake.sdkConfig);
  const cloudwatch = new CloudWatchClient(fake.motoSdkConfig);
  const stack = releaseStackFromOutputs(stackName, outputs);
  if (!stack) throw new Error(`the fixture stack has no release outputs: ${JSON.stringify(outputs)}`);
  const group = await groupSettings(codedeploy, stack);
  const alarmName = group.alarmNames[0] as string;
  await cloudwatch.send(
    new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: 'OK', StateReason: 'test' }),
  );
  return {
    context: {
      environment: 'Staging',
      region: fake.region,
      clients: { codedeploy, lambda, cloudwatch },
      stack,
      group,
      serverNow: () => fake.clock.now(),
    },
    clock: fakeClock(fake),
    alarmName,
    async alias() {
      const out = await lambda.send(
        new GetAliasCommand({ FunctionName: stack.functionName, Name: stack.aliasName }),
      );
      return { version: out.FunctionVersion, weights: out.RoutingConfig?.AdditionalVersionWeights ?? {} };
    },
    async setAlarm(state) {
      await cloudwatch.send(
        new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: state, StateReason: 'test' }),
      );
    },
  };
}
