import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProject } from '../../src/config/project-file.js';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { Terminal } from '../helpers/tmux.js';

describe('init in a real terminal (tmux)', () => {
  let terminal: Terminal | undefined;
  afterEach(() => terminal?.close());

  it('refuses an invalid e-mail with a message, accepts a valid one, and writes the file', async () => {
    const cwd = await tempDir();
    terminal = new Terminal(`node ${BIN} init`, { cwd, env: { AWS_REGION: 'eu-west-1' } });

    await terminal.waitFor(/\? Environment/);
    terminal.press('Up', 'Up', 'Enter'); // Development -> Staging -> Production
    await terminal.waitFor(/Notification e-mail/);
    terminal.type('not-an-email');
    terminal.press('Enter');
    await terminal.waitFor(/Enter an e-mail address such as ops@example.com/);
    terminal.press('C-u');
    terminal.type('ops@example.com');
    terminal.press('Enter');
    const regionScreen = await terminal.waitFor(/\? AWS region/);
    expect(regionScreen).toMatch(/❯ eu-west-1/); // the default comes from AWS_REGION
    terminal.press('Enter');
    await terminal.waitFor(/Keep these defaults\?/);
    terminal.press('Enter');

    expect(await terminal.exitCode()).toBe(0);
    const file = path.join(cwd, 'serverless-infra.json');
    const project = parseProject(await readFile(file, 'utf8'), file);
    expect(project.environments.Production).toMatchObject({ email: 'ops@example.com', region: 'eu-west-1' });
  });

  it('a bad handler path (or country) typed at the prompt is asked again in place; no answer is lost', async () => {
    const cwd = await tempDir();
    await writeFile(path.join(cwd, 'api.mjs'), 'export const handler = async () => ({ statusCode: 200 });\n');
    terminal = new Terminal(`node ${BIN} init`, { cwd, env: { AWS_REGION: 'eu-west-1' } });

    await terminal.waitFor(/\? Environment/);
    terminal.press('Up', 'Enter'); // Development -> Staging
    await terminal.waitFor(/Notification e-mail/);
    terminal.type('ops@example.com');
    terminal.press('Enter');
    await terminal.waitFor(/\? AWS region/);
    terminal.press('Enter');
    await terminal.waitFor(/Keep these defaults\?/);
    terminal.type('n');
    terminal.press('Enter');
    await terminal.waitFor(/\? Stack name/);
    terminal.press('Enter');
    await terminal.waitFor(/\? Release strategy/);
    terminal.press('Enter');
    await terminal.waitFor(/Countries to serve/);
    terminal.type('XX,FR');
    terminal.press('Enter');
    await terminal.waitFor(/XX is not an assigned ISO 3166-1 alpha-2 country code/);
    terminal.press('C-u');
    terminal.type('DE,FR');
    terminal.press('Enter');
    await terminal.waitFor(/Reserved concurrency/);
    terminal.press('Enter');
    await terminal.waitFor(/Handler entry/);
    terminal.type('src/missing.ts');
    terminal.press('Enter');
    await terminal.waitFor(/missing\.ts does not exist/);
    terminal.press('C-u');
    terminal.type('api.mjs');
    terminal.press('Enter');

    expect(await terminal.exitCode()).toBe(0);
    const file = path.join(cwd, 'serverless-infra.json');
    const project = parseProject(await readFile(file, 'utf8'), file);
    expect(project.environments.Staging).toMatchObject({
      email: 'ops@example.com',
      region: 'eu-west-1',
      geoAllowList: ['DE', 'FR'],
      handler: 'api.mjs',
    });
  });

  it('leaves the existing file as it was on Ctrl-C', async () => {
    const cwd = await tempDir();
    const setup = ['init', '--email', 'ops@example.com', '--region', 'eu-west-1', '-e', 'Staging'];
    expect((await runCli(setup, { cwd })).code).toBe(0);
    const file = path.join(cwd, 'serverless-infra.json');
    const before = await readFile(file, 'utf8');

    terminal = new Terminal(`node ${BIN} init -e Staging`, { cwd });
    await terminal.waitFor(/Notification e-mail/);
    terminal.press('C-c');
    expect(await terminal.exitCode()).toBe(130);
    expect(terminal.screen()).toContain('Cancelled. Nothing was changed.');
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});
