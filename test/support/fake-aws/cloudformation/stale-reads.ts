import { AwsError } from '../errors.js';
import type { Params } from '../protocols.js';

/**
 * A test mode for eventual consistency: a client that polls sees a write a few polls late. (AWS does not
 * document how far CloudFormation's reads may lag; the mode exists so a client that trusts the first read
 * after a write is caught.) Each read (an operation on one stack, or on all) keeps the answers it has
 * seen; a new answer is served only once it has been read `lag` times before, until then the one before
 * it is. Errors ("does not exist") lag like answers.
 */
type Outcome = { result: Params } | { error: AwsError };

export class StaleReads {
  readonly #views = new Map<string, { outcome: Outcome; text: string; reads: number }[]>();

  /** The answer to give for `key` now, given the fresh one; `lag` 0 gives the fresh one. */
  read(key: string, lag: number, fresh: () => Params): Params {
    const outcome = run(fresh);
    if (lag <= 0) {
      this.#views.delete(key);
      return unwrap(outcome);
    }
    const views = this.#views.get(key) ?? [];
    this.#views.set(key, views);
    const text = JSON.stringify(
      'error' in outcome ? [outcome.error.code, outcome.error.message] : outcome.result,
    );
    if (views.at(-1)?.text !== text) views.push({ outcome, text, reads: 0 });
    for (const view of views) view.reads += 1;
    // The newest answer read more than `lag` times is visible; older ones are forgotten.
    let served = 0;
    for (let i = views.length - 1; i >= 0; i--) {
      if ((views[i]?.reads ?? 0) > lag) {
        served = i;
        break;
      }
    }
    views.splice(0, served);
    return unwrap((views[0] as { outcome: Outcome }).outcome);
  }

  clear(): void {
    this.#views.clear();
  }
}

function run(fresh: () => Params): Outcome {
  try {
    return { result: fresh() };
  } catch (error) {
    if (error instanceof AwsError) return { error };
    throw error;
  }
}

function unwrap(outcome: Outcome): Params {
  if ('error' in outcome) throw outcome.error;
  return outcome.result;
}
