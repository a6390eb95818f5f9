import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkShape, declaredErrors, loadModel, sdkErrorName } from './support/botocore.js';
import { callsInSource, callsInText } from './support/calls-in-source.js';
import { type LoadedFixture, loadFixtures, type RecordedSource } from './support/fixtures.js';
import { Replay } from './support/replay.js';
import { expectedOutput, REPLAYABLE, sendThroughSdk, withoutMetadata } from './support/sdk.js';

/**
 * The corpus itself: every AWS operation the CLI's source calls has a fixture, every fixture says where its
 * facts come from, fits botocore's model, and (where the replay speaks the protocol) goes through the real
 * SDK deserializer unchanged.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = loadFixtures();

function covered(): Set<string> {
  return new Set(fixtures.flatMap((f) => f.calls.map((c) => `${f.service}:${c.operation}`)));
}

describe('operations the CLI calls', () => {
  const { calls, unknown } = callsInSource(ROOT);

  it('are all recognised: every `new …Command(` in src/ comes from an @aws-sdk package', () => {
    expect(unknown).toEqual([]);
    // The scan finds the calls it must (a broken scan would find nothing and pass the next test).
    const found = new Set(calls.map((c) => `${c.service}:${c.operation}`));
    for (const known of ['cloudformation:DescribeStacks', 's3:PutObject', 'codedeploy:GetDeploymentTarget']) {
      expect(found).toContain(known);
    }
  });

  it('are operations of their service in botocore', () => {
    const wrong = calls.filter((c) => !loadModel(c.service).operations[c.operation]);
    expect(wrong).toEqual([]);
  });

  it('each have at least one fixture', () => {
    const have = covered();
    const missing = [...new Set(calls.map((c) => `${c.service}:${c.operation}`))]
      .filter((op) => !have.has(op))
      .map((op) => `${op} (called in ${calls.find((c) => `${c.service}:${c.operation}` === op)?.file})`);
    expect(missing).toEqual([]);
  });

  it('a call added to the source without a fixture is reported', () => {
    const text = [
      "import { DetectStackDriftCommand } from '@aws-sdk/client-cloudformation';",
      "const Lambda = await import('@aws-sdk/client-lambda');",
      "const { GetCommand: Read } = await import('@aws-sdk/lib-dynamodb');",
      'await cfn.send(new DetectStackDriftCommand({ StackName: s }));',
      'await lambda.send(new Lambda.GetAccountSettingsCommand({}));',
      'await db.send(new Read({}));',
      'await x.send(new MysteryCommand({}));',
    ].join('\n');
    const { calls: found, unknown: strays } = callsInText(text, 'src/new.ts');
    expect(found.map((c) => `${c.service}:${c.operation}`)).toEqual([
      'cloudformation:DetectStackDrift',
      'lambda:GetAccountSettings',
      'dynamodb:GetItem',
    ]);
    expect(strays).toEqual(['src/new.ts: new MysteryCommand']);
    const have = covered();
    expect(found.filter((c) => !have.has(`${c.service}:${c.operation}`)).map((c) => c.operation)).toEqual([
      'DetectStackDrift',
    ]);
  });
});

describe.each(fixtures.map((f) => [f.file, f] as const))('fixture %s', (_file, f: LoadedFixture) => {
  it('names its evidence, source and dates', () => {
    expect(['recorded', 'documented, not recorded', 'implementation, not recorded']).toContain(f.evidence);
    expect(f.scenario.length).toBeGreaterThan(10);
    expect(f.retrieved).toMatch(/^\d{4}-\d\d-\d\d$/);
    if (f.evidence === 'recorded') {
      const source = f.source as RecordedSource;
      expect(source.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(source.path).toMatch(/\.snapshot\.json$/);
      expect(source.snapshot).toContain('::');
      expect(source.recordedDate).toMatch(/^\d\d-\d\d-\d{4}, \d\d:\d\d:\d\d$/);
      expect(f.calls.every((c) => c.recordedAs)).toBe(true);
    } else {
      expect('url' in f.source && f.source.url).toMatch(/^https:\/\//);
    }
  });

  it("fits botocore's model: operations, output members and types, declared error codes", () => {
    const model = loadModel(f.service);
    expect(f.calls.length).toBeGreaterThan(0);
    const problems = f.calls.flatMap((c, i) => {
      const op = model.operations[c.operation];
      if (!op) return [`call ${i}: ${c.operation} is not an operation of ${f.service}`];
      if (Boolean(c.output) === Boolean(c.error)) return [`call ${i}: needs exactly one of output and error`];
      if (c.error) {
        return declaredErrors(model, c.operation).has(c.error.code)
          ? []
          : [`call ${i}: ${c.operation} does not declare ${c.error.code}`];
      }
      return op.output ? checkShape(model, op.output.shape, c.output, `call ${i} ${c.operation}`) : [];
    });
    expect(problems).toEqual([]);
  });
});

describe('fixtures through the real SDK deserializers', () => {
  const replays = new Map<string, Replay>();
  afterAll(async () => {
    for (const replay of replays.values()) await replay.close();
  });
  const replayable = fixtures.filter((f) => REPLAYABLE.has(f.service));

  it('cover every replayable service', () => {
    expect(new Set(replayable.map((f) => f.service))).toEqual(REPLAYABLE);
  });

  it.each(replayable.map((f) => [f.file, f] as const))(
    '%s: each answer parses back to itself',
    async (_file, f) => {
      const replay = replays.get(f.service) ?? (await Replay.start(f.service));
      replays.set(f.service, replay);
      for (const call of f.calls) {
        replay.reset();
        replay.serve(call);
        if (call.error) {
          const error = (await sendThroughSdk(replay, call.operation).catch((e: unknown) => e)) as {
            name: string;
            message: string;
            $metadata?: { httpStatusCode?: number };
          };
          expect(error.name).toBe(sdkErrorName(replay.model, call.error.code));
          expect(error.message).toBe(call.error.message);
          expect(error.$metadata?.httpStatusCode).toBe(call.error.httpStatus ?? 400);
        } else {
          const output = await sendThroughSdk(replay, call.operation);
          expect(withoutMetadata(output)).toEqual(expectedOutput(replay.model, call));
        }
      }
      expect(replay.unexpected).toEqual([]);
    },
  );
});
