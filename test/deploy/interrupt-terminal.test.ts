/**
 * Ctrl-C during a deploy, in a real terminal (tmux), against the offline AWS: the built binary asks
 * what to do; detach leaves the update running in CloudFormation, cancel rolls it back.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { Terminal } from '../helpers/tmux.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';

const STACK = 'Interrupt-Staging';
let fake: FakeAws;
let cfn: CloudFormationClient;
let dir: string;
let terminal: Terminal | undefined;

async function stackStatus(): Promise<string | undefined> {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: STACK }));
  return Stacks?.[0]?.StackStatus;
}

async function waitForStatus(pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = (await stackStatus()) ?? '';
    if (pattern.test(status)) return status;
    if (Date.now() > deadline) throw new Error(`stack stayed ${status}, expected ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A code change, then `deploy` in a terminal. Fake time stands still while the function is being updated,
 * so the update is under way for as long as the test needs, however slow the machine; Ctrl-C then asks.
 */
async function startUpdate(version: string): Promise<Terminal> {
  await writeFile(
    path.join(dir, 'handler.mjs'),
    `export const handler = async () => ({ body: '${version}' });\n`,
  );
  const updating = fake.clock.pauseWhen(
    () =>
      fake.state.cloudformation
        .inspect(STACK)
        ?.resources.some((r) => r.type === 'AWS::Lambda::Function' && r.status === 'UPDATE_IN_PROGRESS') ??
      false,
  );
  const term = new Terminal(`node ${BIN} deploy --yes`, { cwd: dir, env: fake.env });
  await updating;
  await term.waitFor(/UPDATE_IN_PROGRESS/, 30_000);
  term.press('C-c');
  await term.waitFor(/Interrupted\. What now\?/);
  return term;
}

beforeAll(async () => {
  // An account of its own: the run's moto is shared, and the toolkit bucket's name is per account and region.
  fake = await startFakeAws({ region: 'eu-west-1', accountId: '333344445555', timeScale: 100 });
  cfn = new CloudFormationClient(fake.sdkConfig);
  dir = await tempDir('si-interrupt-');
  await writeFile(path.join(dir, 'handler.mjs'), "export const handler = async () => ({ body: 'v1' });\n");
  const init = ['init', '-e', 'Staging', '--email', 'ops@example.com', '--region', 'eu-west-1'];
  expect(
    (await runCli([...init, '--stack-name', STACK, '--handler', 'handler.mjs'], { cwd: dir })).code,
  ).toBe(0);
  const first = await runCli(['deploy', '--yes'], { cwd: dir, env: { ...fake.env, CI: '1' } });
  expect(first.code, first.stderr).toBe(0);
});

afterEach(() => {
  terminal?.close();
  fake.clock.resume();
});

afterAll(async () => {
  cfn?.destroy();
  await fake?.stop();
});

describe('Ctrl-C during deploy (tmux)', () => {
  it('detach: the command ends and the update goes on in CloudFormation', async () => {
    terminal = await startUpdate('v2');
    terminal.press('Enter'); // the first choice: detach
    // The documented exit code for "detached" (as shift and rollback): the update goes on.
    expect(await terminal.exitCode()).toBe(23);
    const screen = terminal.screen();
    expect(screen).toContain('keeps changing in CloudFormation');
    // The step is shown as interrupted, never with the ✔ of a finished one.
    expect(screen).toMatch(/Updating Interrupt-Staging: interrupted, still in progress/);
    expect(screen).not.toMatch(/✔ Updating/);
    expect(await stackStatus()).toBe('UPDATE_IN_PROGRESS');
    fake.clock.resume();
    await waitForStatus(/^UPDATE_COMPLETE$/);
  });

  it('cancel: CancelUpdateStack, then the rollback is followed to its end', async () => {
    terminal = await startUpdate('v3');
    const screen = terminal.screen();
    expect(screen).toMatch(/Cancel/);
    void fake.nextCall('CancelUpdateStack').then(() => fake.clock.resume());
    terminal.press('Down', 'Enter'); // the second choice: cancel the update
    const code = await terminal.exitCode(60_000);
    expect(terminal.screen()).toMatch(/rolling back/i);
    expect(await stackStatus()).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(code).not.toBe(0);
  });
});
