import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTags, planInit } from '../../src/config/init-project.js';
import {
  parseProject,
  readProject,
  resolveEnvironment,
  serializeProject,
  writeProject,
} from '../../src/config/project-file.js';
import { newResourceId } from '../../src/config/resource-id.js';
import { RESOURCE_ID_PATTERN } from '../../src/config/schema.js';
import { UsageError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';

const production = { environment: 'Production', email: 'ops@example.com', region: 'eu-west-1' } as const;

describe('resource id', () => {
  it('is 8 lowercase letters or digits, and different each time', () => {
    const ids = new Set(Array.from({ length: 200 }, newResourceId));
    for (const id of ids) expect(id).toMatch(RESOURCE_ID_PATTERN);
    expect(ids.size).toBe(200);
  });
});

describe('planInit', () => {
  it('creates an environment with defaults and a fresh resource id', () => {
    const plan = planInit(undefined, production);
    const env = plan.project.environments.Production!;
    expect(plan.created).toBe(true);
    expect(env).toMatchObject({
      email: 'ops@example.com',
      region: 'eu-west-1',
      stackName: 'ServerlessInfra-Production',
      releaseStrategy: 'LambdaCanary10Percent5Minutes',
    });
    expect(env.resourceId).toMatch(RESOURCE_ID_PATTERN);
  });

  it('keeps the resource id of an existing environment and lists what changes', () => {
    const first = planInit(undefined, production).project;
    const again = planInit(first, {
      ...production,
      email: 'new@example.com',
      releaseStrategy: 'LambdaAllAtOnce',
    });
    expect(again.created).toBe(false);
    expect(again.project.environments.Production!.resourceId).toBe(first.environments.Production!.resourceId);
    expect(again.changes).toEqual([
      { field: 'email', from: 'ops@example.com', to: 'new@example.com' },
      { field: 'releaseStrategy', from: 'LambdaCanary10Percent5Minutes', to: 'LambdaAllAtOnce' },
    ]);
  });

  it('merges throttling answers into what the file has, and keeps the origin secret generation', () => {
    const first = planInit(undefined, { ...production, throttling: { rateLimit: 300 } }).project;
    first.environments.Production!.originSecret = { generation: 4 };
    const plan = planInit(first, { ...production, throttling: { burstLimit: 600 } });
    expect(plan.project.environments.Production).toMatchObject({
      throttling: { rateLimit: 300, burstLimit: 600 },
      originSecret: { generation: 4 },
    });
    expect(plan.changes).toEqual([
      { field: 'throttling', from: { rateLimit: 300 }, to: { rateLimit: 300, burstLimit: 600 } },
    ]);
  });

  it('merges tags into what the file has (same key: replaced); --tag is checked by the tag rules', () => {
    const first = planInit(undefined, { ...production, tags: parseTags(['run=1', 'team=api']) }).project;
    const plan = planInit(first, { ...production, tags: parseTags(['run=2', 'cost=a b']) });
    expect(plan.project.environments.Production!.tags).toEqual({ run: '2', team: 'api', cost: 'a b' });
    expect(plan.changes).toEqual([
      { field: 'tags', from: { run: '1', team: 'api' }, to: { run: '2', team: 'api', cost: 'a b' } },
    ]);
    expect(() => parseTags(['novalue'])).toThrow(/--tag: "novalue": expected KEY=VALUE/);
    expect(() => parseTags(['aws:x=1'])).toThrow(/not starting with aws:/);
    expect(() => parseTags(['Environment=x'])).toThrow(/set by serverless-infra itself/);
    expect(() => parseTags(['k=a;b'])).toThrow(/tag value/);
    expect(() => parseTags(Array.from({ length: 48 }, (_, i) => `k${i}=v`))).toThrow(/at most 47 tags/);
  });

  it('adds a second environment with its own id and leaves the first untouched', () => {
    const first = planInit(undefined, production).project;
    const both = planInit(first, {
      environment: 'Staging',
      email: 'qa@example.com',
      region: 'us-east-1',
    }).project;
    expect(both.environments.Production).toEqual(first.environments.Production);
    expect(both.environments.Staging!.resourceId).not.toBe(first.environments.Production!.resourceId);
  });
});

describe('project file', () => {
  it('round-trips through an atomic write', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'serverless-infra.json');
    const project = planInit(undefined, {
      ...production,
      geoAllowList: ['DE', 'FR'],
      reservedConcurrency: 5,
    }).project;
    await writeProject(file, project);
    expect(await readProject(file)).toEqual(project);
    expect(await readFile(file, 'utf8')).toBe(serializeProject(project));
  });

  it('names the file, the field and what is expected when a value is broken', () => {
    const project = planInit(undefined, production).project;
    const broken = JSON.parse(serializeProject(project));
    broken.environments.Production.resourceId = 'NOT-OK';
    broken.environments.Production.region = 'mars-1';
    const error = captureError(() => parseProject(JSON.stringify(broken), '/p/serverless-infra.json'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain('/p/serverless-infra.json');
    expect(error.message).toContain(
      'environments.Production.resourceId: expected 8 lowercase letters or digits',
    );
    expect(error.message).toContain('environments.Production.region: expected an AWS region');
  });

  it('checks the stage throttling and the origin secret generation, naming the field', () => {
    const project = planInit(undefined, production).project;
    const valid = JSON.parse(serializeProject(project));
    valid.environments.Production.throttling = { rateLimit: 2500, burstLimit: 5000 };
    valid.environments.Production.originSecret = { generation: 3 };
    expect(parseProject(JSON.stringify(valid), 'p.json').environments.Production).toMatchObject({
      throttling: { rateLimit: 2500, burstLimit: 5000 },
      originSecret: { generation: 3 },
    });
    for (const [throttling, problem] of [
      [{ rateLimit: 0 }, 'environments.Production.throttling.rateLimit: expected at least 1'],
      [
        { burstLimit: 1.5 },
        'environments.Production.throttling.burstLimit: expected a whole number of requests',
      ],
      [{ rateLimit: 2_000_000 }, 'environments.Production.throttling.rateLimit: expected at most 1,000,000'],
      [{ rate: 5 }, 'environments.Production.throttling'],
    ] as const) {
      const broken = {
        ...valid,
        environments: { Production: { ...valid.environments.Production, throttling } },
      };
      const error = captureError(() => parseProject(JSON.stringify(broken), 'p.json'));
      expect(error, JSON.stringify(throttling)).toBeInstanceOf(UsageError);
      expect(error.message).toContain(problem);
    }
    const zero = {
      ...valid,
      environments: { Production: { ...valid.environments.Production, originSecret: { generation: 0 } } },
    };
    expect(captureError(() => parseProject(JSON.stringify(zero), 'p.json')).message).toContain(
      'environments.Production.originSecret.generation: expected 1 or more',
    );
  });

  it('reports invalid JSON as a usage error, not a stack trace', () => {
    const error = captureError(() => parseProject('{"schemaVersion": 1,', 'x.json'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/^x\.json is not valid JSON/);
  });

  it('rejects unknown fields so that typos do not pass silently', () => {
    const project = JSON.parse(serializeProject(planInit(undefined, production).project));
    project.environments.Production.emial = 'x@example.com';
    expect(() => parseProject(JSON.stringify(project), 'f')).toThrow(/Unrecognized key.*emial/);
  });

  it('returns undefined when there is no file', async () => {
    expect(await readProject(path.join(await tempDir(), 'missing.json'))).toBeUndefined();
  });

  it('leaves the old file intact when the new content is invalid', async () => {
    const file = path.join(await tempDir(), 'serverless-infra.json');
    await writeFile(file, 'original');
    const project = planInit(undefined, production).project;
    (project.environments.Production as { email: string }).email = 'nope';
    await expect(writeProject(file, project)).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('original');
  });
});

describe('resolveEnvironment', () => {
  const one = planInit(undefined, production).project;
  const two = planInit(one, {
    environment: 'Development',
    email: 'dev@example.com',
    region: 'eu-west-1',
  }).project;

  it('picks the only environment when none is named', () => {
    expect(resolveEnvironment(one, undefined).name).toBe('Production');
  });

  it('matches names case-insensitively', () => {
    expect(resolveEnvironment(two, 'development').email).toBe('dev@example.com');
  });

  it('asks for --environment when there are several', () => {
    expect(() => resolveEnvironment(two, undefined)).toThrow(
      /several environments \(Production, Development\)/,
    );
  });

  it('names the environments it has when the named one is missing', () => {
    expect(() => resolveEnvironment(two, 'Staging')).toThrow(
      /No environment "Staging".*Production, Development/,
    );
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
