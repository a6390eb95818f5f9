// The synth command as a user runs it (the built bin/run.js, a real process), and the cdk.json entry for the stock
// CDK CLI producing the same template.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jsonShape } from '../helpers/json-shape.js';
import { DEVELOPMENT, FIXTURES, PRODUCTION, tempDir } from './synth-fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = import.meta.resolve('tsx');
// Offline, and no credential probing of an instance metadata endpoint.
const offline = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', CI: '1' };

/** A project directory with a project file whose environments use the fixture handler. */
function project(environments: Record<string, object>): string {
  const dir = tempDir('project');
  cpSync(path.join(FIXTURES, 'handlers'), path.join(dir, 'handlers'), { recursive: true });
  writeFileSync(path.join(dir, 'serverless-infra.json'), JSON.stringify({ schemaVersion: 1, environments }));
  return dir;
}

const { name: _p, ...production } = { ...PRODUCTION, handler: 'handlers/hello.ts' };
const { name: _d, ...development } = { ...DEVELOPMENT, handler: 'handlers/hello.ts' };

function cli(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [path.join(root, 'bin/run.js'), 'synth', ...args], {
    cwd,
    env: offline,
    encoding: 'utf8',
  });
}

describe('serverless-infra synth', () => {
  it('--json: writes the cloud assembly to --out and prints only the summary as JSON on stdout', () => {
    const dir = project({ Production: production, Development: development });
    const run = cli(dir, '-e', 'Production', '--out', 'out', '--json');
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      environment: 'Production',
      stackName: 'ServerlessInfra-Production',
      region: 'eu-west-1',
      inlineTemplateLimit: 51_200,
      terminationProtection: true,
      parameters: ['LiveAliasVersion'],
    });
    // The items API's function and the release's smoke-test hook.
    expect(summary.resourcesByType['AWS::Lambda::Function']).toBe(2);
    // The format, not the stack's contents: the resource types are the stack's business.
    expect(jsonShape({ ...summary, resourcesByType: {} })).toMatchSnapshot();
    expect(summary.resourceCount).toBe(
      Object.values(summary.resourcesByType as Record<string, number>).reduce((a, b) => a + b, 0),
    );
    expect(summary.assets).toHaveLength(2);
    expect(summary.assets.map((a: { packaging: string }) => a.packaging)).toEqual(['zip', 'zip']);
    const template = path.join(dir, 'out', 'ServerlessInfra-Production.template.json');
    // Measured as deploy sends it (compact JSON), the size CloudFormation's 51,200-byte limit applies to.
    const compact = JSON.stringify(JSON.parse(readFileSync(template, 'utf8')));
    expect(summary.templateBytes).toBe(Buffer.byteLength(compact));
    expect(existsSync(path.join(dir, 'out', 'manifest.json'))).toBe(true);
  });

  it('prints a human summary on stdout (the result): resources by type, template bytes against 51,200, assets', () => {
    const dir = project({ Development: development });
    const run = cli(dir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('ServerlessInfra-Development (us-east-1) synthesized to cdk.out');
    expect(run.stdout).toMatch(/\d+\s+AWS::ApiGateway::Method/);
    expect(run.stdout).toMatch(/template [\d,]+ bytes of 51,200 inline/);
    expect(run.stdout).toContain('asset Compute/Function/Code: zip');
  });

  it('a handler that does not bundle: one clear message naming file and line, exit 2, no stack trace', () => {
    const dir = project({ Development: development });
    writeFileSync(path.join(dir, 'handlers', 'hello.ts'), 'export const handler = (;\n');
    const run = cli(dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${path.join(dir, 'handlers', 'hello.ts')}:1:`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('cdk.json', () => {
  it('npx cdk synth produces the same template as serverless-infra synth', () => {
    const dir = project({ Development: development });
    const cdkJson = JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8'));
    // The same entry, from source (the package build may not have run).
    cdkJson.app = `"${process.execPath}" --import ${tsx} ${path.join(root, 'src/synth/cdk-app.ts')}`;
    writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify(cdkJson));
    const cdk = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/aws-cdk/bin/cdk'), 'synth', '-q', '-o', 'cdk-cli.out', '--no-notices'],
      { cwd: dir, env: offline, encoding: 'utf8' },
    );
    expect(cdk.status, cdk.stderr).toBe(0);
    const own = cli(dir, '--out', 'own.out');
    expect(own.status, own.stderr).toBe(0);
    const file = 'ServerlessInfra-Development.template.json';
    expect(readFileSync(path.join(dir, 'cdk-cli.out', file), 'utf8')).toBe(
      readFileSync(path.join(dir, 'own.out', file), 'utf8'),
    );
  });
});
