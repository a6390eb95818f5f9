import { loadModel, sdkErrorName } from '../../conformance/support/botocore.js';
import { fixture as loadFixture } from '../../conformance/support/fixtures.js';
import { expectedOutput } from '../../conformance/support/sdk.js';
import type { FakeAws } from '../../support/fake-aws/index.js';
import { type Answer, compareAnswer, type Difference, eventSequence, maskedPaths } from './compare.js';
import { clientsFor, type Scenario } from './scenarios.js';

/** One difference between a recording and the fake, located in the corpus. */
export interface Observed extends Difference {
  fixture: string;
  call: number;
  operation: string;
}

/** Drives the fake through a scenario and compares each answer with the fixture's, field by field. */
export async function runScenario(fake: FakeAws, scenario: Scenario): Promise<Observed[]> {
  const fixture = loadFixture(scenario.fixture);
  const model = loadModel(fixture.service);
  fake.reset();
  const steps = await scenario.drive(clientsFor(fake));
  if (steps.length !== fixture.calls.length) {
    throw new Error(
      `${scenario.fixture}: the driver answered ${steps.length} calls, the fixture has ${fixture.calls.length}`,
    );
  }
  const observed: Observed[] = [];
  fixture.calls.forEach((call, i) => {
    const step = steps[i] as (typeof steps)[number];
    const at = (d: Difference): Observed => ({
      ...d,
      fixture: scenario.fixture,
      call: i,
      operation: call.operation,
    });
    if ('skipped' in step) {
      observed.push(at({ path: '(not driven)', detail: step.skipped }));
      return;
    }
    const expected: Answer = call.error
      ? {
          error: {
            name: sdkErrorName(model, call.error.code),
            message: call.error.message,
            status: call.error.httpStatus ?? 400,
          },
        }
      : { output: expectedOutput(model, call) as Record<string, unknown> };
    const options = {
      extras: fixture.evidence === 'recorded',
      ours: scenario.ours ?? [],
      masked: maskedPaths(call.output ?? {}),
    };
    if (call.operation === 'DescribeStackEvents' && expected.output && step.output) {
      const events = (answer: Answer) => (answer.output?.StackEvents ?? []) as Array<Record<string, unknown>>;
      const recorded = eventSequence(events(expected), { reasons: scenario.events?.reasons });
      const fake = eventSequence(events(step), scenario.events);
      if (recorded.join('\n') !== fake.join('\n')) {
        observed.push(
          at({
            path: 'StackEvents (sequence)',
            detail: `AWS [${recorded.join(', ')}], fake [${fake.join(', ')}]`,
          }),
        );
        return;
      }
      if (scenario.events?.collapse || scenario.events?.drop?.length) return; // rebuilt from a summary: the sequence is all there is
    }
    observed.push(...compareAnswer(expected, step, options).map(at));
  });
  return observed;
}
