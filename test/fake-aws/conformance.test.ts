import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtures } from '../conformance/support/fixtures.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { DEPARTURES, DOC_END, DOC_START, departuresSection, matches } from './conformance/departures.js';
import { type Observed, runScenario } from './conformance/run.js';
import { SCENARIOS } from './conformance/scenarios.js';

/**
 * The fake against the corpus (issue 13 §2 "Fake"): every control-plane scenario the corpus holds
 * (test/conformance/fixtures) is driven through the fake, and each answer compared with the recording
 * field by field, ids, ARNs, names and times aside. A difference is either fixed in the fake or listed in
 * conformance/departures.ts with its reason; docs/testing.md's "Departures from AWS" is generated from that
 * list (UPDATE_DEPARTURES=1 npx vitest run test/fake-aws/conformance.test.ts rewrites it).
 */
const DOC = fileURLToPath(new URL('../../docs/testing.md', import.meta.url));
const CONTROL_PLANE = new Set(['cloudformation', 'lambda', 'codedeploy', 'sts']);

describe('the fake against the recorded and documented answers of AWS', () => {
  let fake: FakeAws;
  const observed: Observed[] = [];

  beforeAll(async () => {
    fake = await startFakeAws();
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it('drives every control-plane fixture of the corpus', () => {
    const fixtures = loadFixtures()
      .filter((f) => CONTROL_PLANE.has(f.service))
      .map((f) => f.file);
    expect(SCENARIOS.map((s) => s.fixture).sort()).toEqual(fixtures.sort());
  });

  for (const scenario of SCENARIOS) {
    it(scenario.fixture, async () => {
      const differences = await runScenario(fake, scenario);
      observed.push(...differences);
      const unexplained = differences
        .filter((d) => !DEPARTURES.some((departure) => matches(departure, d)))
        .map((d) => `call ${d.call} ${d.operation} ${d.path}: ${d.detail}`);
      expect(
        unexplained,
        'a difference from AWS that is neither fixed nor listed in conformance/departures.ts',
      ).toEqual([]);
    });
  }

  it('lists no departure that no longer happens', () => {
    const stale = DEPARTURES.filter((departure) => !observed.some((o) => matches(departure, o)));
    expect(stale.map((d) => `${d.fixture} ${d.call ?? ''} ${d.path ?? ''}`)).toEqual([]);
  });

  it('docs/testing.md lists the departures as generated', () => {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(DOC_START);
    const end = doc.indexOf(DOC_END);
    expect(start, 'docs/testing.md has the generated section markers').toBeGreaterThan(0);
    const section = departuresSection(observed);
    const current = doc.slice(start, end + DOC_END.length);
    if (current !== section && process.env.UPDATE_DEPARTURES) {
      writeFileSync(DOC, doc.slice(0, start) + section + doc.slice(end + DOC_END.length));
      return;
    }
    expect(
      current,
      'docs/testing.md is stale: UPDATE_DEPARTURES=1 npx vitest run test/fake-aws/conformance.test.ts',
    ).toBe(section);
  });
});
