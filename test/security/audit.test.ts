// `serverless-infra audit` through the built binary: the real stack passes; a stack with an injected wildcard
// policy fails with the finding named; without cfn-lint it says so and still runs the rest.
import { existsSync, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/index.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { jsonShape } from '../helpers/json-shape.js';

const INJECT = path.join(ROOT, 'test/security/fixtures/inject-wildcard.cjs');

async function project(environments: Record<string, unknown>): Promise<string> {
  const dir = await tempDir('si-audit-');
  await writeFile(
    path.join(dir, 'serverless-infra.json'),
    JSON.stringify({ schemaVersion: 1, environments }),
  );
  return dir;
}

const PRODUCTION = {
  email: 'ops@example.com',
  region: 'eu-west-1',
  stackName: 'ServerlessInfra-Production',
  resourceId: 'prod1234',
  releaseStrategy: 'LambdaCanary10Percent5Minutes',
};

/** The built binary; `preload` is required into it first (NODE_OPTIONS), as a careless change would land. */
function audit(
  cwd: string,
  args: string[],
  options: { preload?: string; env?: Record<string, string> } = {},
) {
  return runCli(['audit', ...args], {
    cwd,
    env: { ...options.env, ...(options.preload ? { NODE_OPTIONS: `--require ${options.preload}` } : {}) },
  });
}

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist/commands/audit.js'))) throw new Error('run npm run build first');
});

describe('serverless-infra audit', () => {
  it('the real Production stack: 0 unacknowledged findings, 0 lint errors, exit 0; acknowledgements carry reasons', async () => {
    const cwd = await project({ Production: PRODUCTION });
    const run = await audit(cwd, ['--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.passed).toBe(true);
    expect(jsonShape(report)).toMatchSnapshot();
    expect(report.cfnLint).toEqual({ ran: true, note: null });
    expect(report.summary.unacknowledged).toBe(0);
    expect(report.summary.lintErrors).toBe(0);
    const acknowledged = report.findings.filter((f) => f.acknowledged);
    expect(acknowledged.length).toBeGreaterThan(5);
    for (const f of acknowledged) expect(f.reason?.length ?? 0, f.rule).toBeGreaterThan(30);
    // All three checks ran: cdk-nag and the IAM walk each report their acknowledged wildcards.
    expect(acknowledged.some((f) => f.source === 'cdk-nag' && f.rule.startsWith('AwsSolutions-IAM5'))).toBe(
      true,
    );
    expect(
      acknowledged.some((f) => f.source === 'iam' && f.reason?.startsWith('xray-trace-submission')),
    ).toBe(true);
  }, 120_000);

  it('the human report: groups with reasons on stdout (the result), a passed line', async () => {
    const cwd = await project({ Production: PRODUCTION });
    const run = await audit(cwd, []);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Acknowledged (');
    expect(run.stdout).toMatch(/reason: .*default \*\.cloudfront\.net certificate/);
    expect(run.stdout).toMatch(/✔ passed: \d+ findings, \d+ acknowledged, 0 not acknowledged, 0 lint errors/);
  }, 120_000);

  it('a stack with an injected wildcard policy: both cdk-nag and the IAM walk find it, exit 1', async () => {
    const cwd = await project({ Development: { ...PRODUCTION, stackName: 'ServerlessInfra-Development' } });
    const run = await audit(cwd, ['--json'], { preload: INJECT });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.passed).toBe(false);
    const open = report.findings.filter((f) => !f.acknowledged && f.source !== 'cfn-lint');
    expect(open).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'cdk-nag', rule: 'AwsSolutions-IAM5[Action::dynamodb:*]' }),
        expect.objectContaining({ source: 'cdk-nag', rule: 'AwsSolutions-IAM5[Resource::*]' }),
        expect.objectContaining({
          source: 'iam',
          rule: 'wildcard-action',
          message: 'allows the wildcard action dynamodb:*',
        }),
        // CDK merges it with the X-Ray statement (same resource): the walk reports the merged statement.
        expect.objectContaining({
          source: 'iam',
          rule: 'wildcard-resource',
          message: expect.stringMatching(/dynamodb:\*.* on \*$/),
        }),
      ]),
    );
    expect(report.summary.unacknowledged).toBe(open.length);

    const human = await audit(cwd, [], { preload: INJECT });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/Not acknowledged \(\d+\)/);
    expect(human.stdout).toContain('AwsSolutions-IAM5[Action::dynamodb:*]');
    expect(human.stdout).toContain('✖ failed');
  }, 120_000);

  it('without cfn-lint on PATH: a note, the other checks still run', async () => {
    const cwd = await project({ Production: PRODUCTION });
    const emptyBin = path.join(cwd, 'no-bin');
    mkdirSync(emptyBin);
    const run = await audit(cwd, ['--json'], { env: { PATH: emptyBin } });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.cfnLint.ran).toBe(false);
    expect(report.cfnLint.note).toMatch(/cfn-lint is not installed/);
    expect(report.findings.some((f) => f.source === 'cfn-lint')).toBe(false);
    expect(report.findings.some((f) => f.source === 'cdk-nag')).toBe(true);
  }, 120_000);
});
