// Readers that disagreed with what AWS's recorded (or documented) answers mean, until they were fixed: each
// test expects the answer the evidence supports (evidence for each: test/conformance/README.md,
// "Disagreements"). The split of a shift, once read from targetVersionWeight, now comes from the alias's
// RoutingConfig (release/snapshot.ts), so the weight's unit no longer matters to any reader.
import { CloudFormationClient, DescribeChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { changeRows, createChangeSet } from '../../src/deploy/change-set.js';
import { StackMonitor } from '../../src/deploy/stack-events.js';
import { isInProgress } from '../../src/deploy/stack-state.js';
import { listReleases } from '../../src/release/history.js';
import { call, type FixtureCall, fixture } from './support/fixtures.js';
import { Replay } from './support/replay.js';

let cfn: Replay;
let codedeploy: Replay;
beforeAll(async () => {
  [cfn, codedeploy] = await Promise.all([Replay.start('cloudformation'), Replay.start('codedeploy')]);
});
afterAll(async () => {
  await Promise.all([cfn.close(), codedeploy.close()]);
});
beforeEach(() => {
  cfn.reset();
  codedeploy.reset();
});

describe('REVIEW_IN_PROGRESS is not an operation in progress', () => {
  // Recorded: a stack in REVIEW_IN_PROGRESS accepted CreateStack (change-set-obsolete.json), another CREATE
  // change set and DeleteStack (change-set-review-accepts-operations.json). Documented: "Ongoing creation of
  // one or more stacks with an expected StackId but without any templates or resources."
  it('isInProgress says no (destroy would refuse the stack as busy, status --follow would wait forever)', () => {
    expect(isInProgress('REVIEW_IN_PROGRESS')).toBe(false);
  });

  it('StackMonitor watching a stack left in review ends instead of polling forever', async () => {
    const create = fixture('cloudformation/stack-events-create.json');
    const events = (call(create, 'events').output?.StackEvents ?? []) as unknown[];
    cfn.serve(
      { operation: 'DescribeStackEvents', output: { StackEvents: events.slice(-1) } }, // REVIEW_IN_PROGRESS only
      call(fixture('cloudformation/change-set-create-on-new-stack.json'), 'stack-pre-execute'),
    );
    const stop = new AbortController();
    let polls = 0;
    const result = await new StackMonitor(new CloudFormationClient(cfn.clientConfig())).watch({
      stackName: '<stack-name:1>',
      after: undefined,
      pollMs: 1,
      signal: stop.signal,
      sleep: async () => {
        if (++polls > 50) stop.abort();
      },
    });
    expect(result).toMatchObject({ outcome: 'finished', stackStatus: 'REVIEW_IN_PROGRESS' });
  });
});

describe('an OBSOLETE change set cannot be executed', () => {
  // Recorded: change-set-obsolete.json (Status CREATE_COMPLETE, ExecutionStatus OBSOLETE after another
  // operation). Documented (DescribeChangeSet ExecutionStatus): "If the change set execution status is
  // AVAILABLE, you can execute the change set. … in an OBSOLETE state because the stack was already updated."
  it('createChangeSet does not hand back an OBSOLETE change set as one to execute', async () => {
    const obsolete = fixture('cloudformation/change-set-obsolete.json');
    const created = call(fixture('cloudformation/change-set-empty.json'), 'first_changeset');
    cfn.serve(created, call(obsolete, 'describe_change_set'));
    const request = {
      stackName: '<stack-name:1>',
      changeSetName: 'serverless-infra-1',
      type: 'CREATE' as const,
      parameters: {},
      tags: {},
      templateBody: '{}',
    };
    await expect(
      createChangeSet(new CloudFormationClient(cfn.clientConfig()), request, { sleep: async () => {} }),
    ).rejects.toThrow(/OBSOLETE/);
  });
});

describe('replacement causes name each property once', () => {
  // Recorded: change-set-replacement-true.json (two Details for TopicName: ParameterReference/Static and
  // DirectModification/Dynamic). Documented (change set examples): "Resources that reference a changed
  // parameter value (using the Ref intrinsic function) always result in two changes: one with a Dynamic
  // evaluation and another with a Static evaluation." The table now prints "(because of TopicName, TopicName)".
  it('a renamed topic is replaced because of TopicName', async () => {
    cfn.serve(call(fixture('cloudformation/change-set-replacement-true.json'), 'describe-2'));
    const out = await new CloudFormationClient(cfn.clientConfig()).send(
      new DescribeChangeSetCommand({ ChangeSetName: 'cs', StackName: 's' }),
    );
    expect(changeRows(out.Changes ?? [])[0]?.replacementCauses).toEqual(['TopicName']);
  });
});

describe("CodeDeploy's own rollback deployments in the release history", () => {
  // Documented: "CodeDeploy implements rollbacks by redeploying, as a new deployment, a previously deployed
  // revision" (deployment-steps-lambda); creator codeDeployRollback and rollbackInfo.rollbackTriggeringDeploymentId
  // (DeploymentInfo, RollbackInfo). So the rollback's revision describes an earlier move (here 2 -> 3), not
  // this one; what it does is undo the triggering deployment (3 -> 4): from 4 back to 3.
  const history = fixture('codedeploy/rollback-deployment.json');
  const group = { application: 'my-app', deploymentGroup: 'my-group' };

  async function rollbackRecord(batch: FixtureCall) {
    codedeploy.serve(call(history, { operation: 'ListDeployments' }), batch);
    const releases = await listReleases(new CodeDeployClient(codedeploy.clientConfig()), group);
    return releases.find((r) => r.deploymentId === 'd-R0LLBACK1');
  }

  it('reads the rollback as the reverse of the deployment it rolled back (AppSpec content absent, as GetDeployment documents)', async () => {
    expect(await rollbackRecord(call(history, { operation: 'BatchGetDeployments' }))).toMatchObject({
      from: '4',
      to: '3',
      creator: 'codeDeployRollback',
    });
  });

  it('also when the redeployed revision carries its AppSpec (the earlier 2 -> 3)', async () => {
    const batch = structuredClone(call(history, { operation: 'BatchGetDeployments' }));
    type Info = { deploymentId: string; revision: { appSpecContent: { content?: string } } };
    const infos = (batch.output?.deploymentsInfo ?? []) as Info[];
    const rollback = infos.find((d) => d.deploymentId === 'd-R0LLBACK1') as Info;
    rollback.revision.appSpecContent.content = JSON.stringify({
      version: 0.0,
      Resources: [
        {
          'my-function': {
            Type: 'AWS::Lambda::Function',
            Properties: { Name: 'my-function', Alias: 'live', CurrentVersion: '2', TargetVersion: '3' },
          },
        },
      ],
    });
    expect(await rollbackRecord(batch)).toMatchObject({ from: '4', to: '3' });
  });
});
