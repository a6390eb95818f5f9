import type { FakeAws } from '../support/fake-aws/index.js';

/**
 * Ways to hold the fake's time at a release's steps, so that a test of the built binary (a child process,
 * however slow to start on a busy machine) sees the state it is about without racing fake time.
 */

/** The alias's split as the fake's Lambda holds it: its version and the extra weights. */
export function aliasSplit(fake: FakeAws, functionName: string, alias = 'live'): string {
  const { FunctionVersion, RoutingConfig } = fake.state.lambda.getAlias(functionName, alias);
  return JSON.stringify([FunctionVersion, RoutingConfig?.AdditionalVersionWeights ?? {}]);
}

/** Pauses fake time as soon as some traffic is on a second version (a canary's or linear's first step). */
export function pauseAtFirstStep(fake: FakeAws, functionName: string): Promise<void> {
  return fake.clock.pauseWhen(
    () =>
      Object.keys(
        fake.state.lambda.getAlias(functionName, 'live').RoutingConfig?.AdditionalVersionWeights ?? {},
      ).length > 0,
  );
}

/**
 * Lock-step with a watching CLI, driven by the test rather than by the wall clock: fake time stands still
 * until the CLI has created its deployment and had its first look (a GetAlias after CreateDeployment); then
 * it runs, a timer at a time, to the next change of the alias's split, and stands still again until the CLI
 * has read the alias since. A watch then sees every step, in order, and no faster or slower machine changes
 * what it sees. Only GetAlias counts: the watch's heartbeat (GetDeploymentTarget) only tells it that the
 * weight moved, and the split it shows comes from the GetAlias that follows; resuming on the heartbeat let
 * the next step land between the two, and a linear shift's 10 % went unseen (once in a CI run).
 * Returns `stop()`.
 */
export function stepByStep(fake: FakeAws, functionName: string): () => void {
  let active = true;
  fake.clock.pause();
  void (async () => {
    await fake.nextCall('CreateDeployment');
    await fake.nextCall('GetAlias');
    while (active) {
      const seen = aliasSplit(fake, functionName);
      while (active && aliasSplit(fake, functionName) === seen) {
        const due = fake.clock.nextDueIn();
        if (due === undefined) return;
        await fake.clock.advance(due);
      }
      await fake.nextCall('GetAlias');
    }
  })();
  return () => {
    active = false;
    fake.clock.resume();
  };
}
