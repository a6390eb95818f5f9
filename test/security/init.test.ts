// init's security flags: validated like the project file, and kept when init runs again.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const base = ['init', '--email', 'ops@example.com', '--region', 'eu-west-1'];

describe('init security flags', () => {
  it('refuses --auth none for Production and a certificate outside us-east-1; writes nothing', async () => {
    const cwd = await tempDir('si-init-sec-');
    const none = await runCli([...base, '-e', 'Production', '--auth', 'none'], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--auth none: Production must authorize writes');
    const cert = await runCli(
      [
        ...base,
        '-e',
        'Staging',
        '--domain',
        'api.example.com',
        '--certificate-arn',
        CERTIFICATE.replace('us-east-1', 'eu-west-1'),
      ],
      { cwd },
    );
    expect(cert.code).toBe(2);
    expect(cert.stderr).toMatch(
      /--certificate-arn: ".*": expected the ARN of an ACM certificate in us-east-1/,
    );
    await expect(readFile(path.join(cwd, 'serverless-infra.json'))).rejects.toThrow(/ENOENT/);
  });

  it('writes auth, waf and customDomain, and a later init without them keeps them', async () => {
    const cwd = await tempDir('si-init-sec-');
    const first = await runCli(
      [
        ...base,
        '-e',
        'Staging',
        '--auth',
        'none',
        '--waf',
        '--waf-rate-limit',
        '300',
        '--domain',
        'API.example.com',
        '--certificate-arn',
        CERTIFICATE,
      ],
      { cwd },
    );
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli(
      ['init', '--email', 'other@example.com', '--region', 'eu-west-1', '-e', 'Staging', '--yes'],
      { cwd },
    );
    expect(again.code, again.stderr).toBe(0);
    const file = JSON.parse(await readFile(path.join(cwd, 'serverless-infra.json'), 'utf8'));
    expect(file.environments.Staging).toMatchObject({
      email: 'other@example.com',
      auth: 'none',
      waf: { enabled: true, rateLimit: 300 },
      customDomain: { domainName: 'api.example.com', certificateArn: CERTIFICATE },
    });
  });
});
