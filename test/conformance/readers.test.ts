import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import {
  CodeDeployClient,
  type DeploymentInfo,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  type LambdaTarget,
} from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  changeRows,
  createChangeSet,
  executeChangeSet,
  isEmptyChangeSet,
} from '../../src/deploy/change-set.js';
import { rootCauses, StackMonitor, type WatchOptions } from '../../src/deploy/stack-events.js';
import { conditionOf, describeStack, isMissingStack, stackOutputs } from '../../src/deploy/stack-state.js';
import { listReleases } from '../../src/release/history.js';
import { computeSnapshot } from '../../src/release/snapshot.js';
import { aliasTraffic, getAliasTraffic, listVersions } from '../../src/release/versions.js';
import { loadModel } from './support/botocore.js';
import { call, type Fixture, type FixtureCall, fixture } from './support/fixtures.js';
import { Replay } from './support/replay.js';
import { materialize, REPLAY_EPOCH } from './support/wire.js';

/**
 * The CLI's readers fed with AWS's recorded (or documented) answers through the real SDK clients: what they
 * return is what the CLI would conclude from AWS. Where a reader disagrees with what AWS means, the test
 * expecting the right answer waits in readers-pending.test.ts.txt (see the README).
 */
let cfn: Replay;
let lambda: Replay;
let codedeploy: Replay;
beforeAll(async () => {
  [cfn, lambda, codedeploy] = await Promise.all([
    Replay.start('cloudformation'),
    Replay.start('lambda'),
    Replay.start('codedeploy'),
  ]);
});
afterAll(async () => {
  await Promise.all([cfn.close(), lambda.close(), codedeploy.close()]);
});
beforeEach(() => {
  for (const replay of [cfn, lambda, codedeploy]) replay.reset();
});

const cfnClient = () => new CloudFormationClient(cfn.clientConfig());
const lambdaClient = () => new LambdaClient(lambda.clientConfig());
const codedeployClient = () => new CodeDeployClient(codedeploy.clientConfig());

/** A StackEvents answer cut to its `count` oldest events (what an earlier poll would have seen). */
function oldest(f: Fixture, key: string | { operation: string; index?: number }, count: number) {
  const answer = call(f, key);
  const events = (answer.output?.StackEvents ?? []) as unknown[];
  return { ...answer, output: { StackEvents: events.slice(events.length - count) } };
}

/**
 * The id of the newest event of a recorded list that is older than `since`: what the CLI reads before it
 * starts the operation that follows (it follows an operation by event identity, not by time).
 */
function eventBefore(answer: FixtureCall, since: Date | number): string | undefined {
  const output = materialize(loadModel('cloudformation'), 'DescribeStackEventsOutput', answer.output) as {
    StackEvents?: StackEvent[];
  };
  return output.StackEvents?.find((e) => new Date(e.Timestamp ?? 0).getTime() < new Date(since).getTime())
    ?.EventId;
}

/** Watches with no real waiting; gives up (interrupted) after 50 polls rather than hanging. */
async function watch(stackName: string, after: string | undefined, options: Partial<WatchOptions> = {}) {
  const stop = new AbortController();
  let polls = 0;
  const progress: Array<{ logicalId: string; status: string; finished: boolean }[]> = [];
  const result = await new StackMonitor(cfnClient()).watch({
    stackName,
    after,
    pollMs: 1,
    signal: stop.signal,
    sleep: async () => {
      if (++polls > 50) stop.abort();
    },
    listener: {
      onProgress: (rows) =>
        progress.push(
          rows.map((r) => ({
            logicalId: r.logicalId,
            status: r.status,
            finished: r.finished,
          })),
        ),
    },
    ...options,
  });
  return {
    result,
    progress,
    statuses: result.events.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`),
  };
}

describe('stack-state: describeStack, conditionOf, stackOutputs, isMissingStack', () => {
  it('a stack that does not exist: ValidationError "Stack with id … does not exist" reads as absent', async () => {
    cfn.serve(call(fixture('cloudformation/describe-stacks-missing.json'), 'Error'));
    expect(await describeStack(cfnClient(), 'nostack')).toBeUndefined();
  });

  it('DescribeStackEvents of a stack that does not exist: "Stack [name] does not exist" is a missing stack', async () => {
    cfn.serve(
      call(
        fixture('cloudformation/describe-stack-events-missing.json'),
        'describe_stack_events_stack_not_found',
      ),
    );
    const error = await cfnClient()
      .send(new DescribeStackEventsCommand({ StackName: 'does-not-exist' }))
      .catch((e: unknown) => e);
    expect(isMissingStack(error)).toBe(true);
  });

  it('a deleted stack: by name it "does not exist", by id it is DELETE_COMPLETE; both read as absent', async () => {
    const deleted = fixture('cloudformation/describe-deleted-stack.json');
    cfn.serve(call(deleted, 'deleted_stack_not_found_exc'));
    expect(await describeStack(cfnClient(), '<stack-name:1>')).toBeUndefined();
    cfn.reset();
    cfn.serve(call(deleted, 'deleted_stack_desc'));
    const byId = 'arn:aws:cloudformation:us-east-1:111111111111:stack/<stack-name:1>/<resource:1>';
    expect(await describeStack(cfnClient(), byId)).toBeUndefined();
    expect(cfn.requests.map((r) => r.params.StackName)).toEqual([byId]);
    expect(conditionOf('DELETE_COMPLETE')).toBe('absent');
  });

  it('a new stack holding an unexecuted CREATE change set is REVIEW_IN_PROGRESS ("User Initiated"): review, not busy', async () => {
    const created = fixture('cloudformation/change-set-create-on-new-stack.json');
    cfn.serve(call(created, 'stack-pre-execute'));
    const stack = (await describeStack(cfnClient(), '<stack-name:1>')) as Stack;
    expect(stack).toMatchObject({ StackStatus: 'REVIEW_IN_PROGRESS', StackStatusReason: 'User Initiated' });
    expect(stack.Outputs).toBeUndefined();
    expect(conditionOf(stack.StackStatus)).toBe('review');
  });

  it.each([
    ['cloudformation/stack-lifecycle.json', 'creation', 'CREATE_COMPLETE', 'ready'],
    ['cloudformation/stack-lifecycle.json', 'update', 'UPDATE_COMPLETE', 'ready'],
    ['cloudformation/stack-events-delete-skipped.json', 'stack_post_create', 'ROLLBACK_FAILED', 'broken'],
    ['cloudformation/stack-events-delete-skipped.json', 'stack_post_fail_delete', 'DELETE_FAILED', 'broken'],
  ])('%s %s: %s is %s', async (file, key, status, condition) => {
    cfn.serve(call(fixture(file), key));
    const stack = await describeStack(cfnClient(), '<stack-name:1>');
    expect(stack?.StackStatus).toBe(status);
    expect(conditionOf(stack?.StackStatus)).toBe(condition);
  });

  it('a failed update that rolled back (UPDATE_ROLLBACK_COMPLETE) can be updated again: ready', async () => {
    cfn.serve(
      call(fixture('cloudformation/stack-events-failed-update-rollback.json'), {
        operation: 'DescribeStacks',
      }),
    );
    const stack = await describeStack(cfnClient(), 'MyStack');
    expect(conditionOf(stack?.StackStatus)).toBe('ready');
  });

  it("reads the outputs of a created stack (a NoEcho parameter's value stays hidden)", async () => {
    cfn.serve(call(fixture('cloudformation/describe-stacks-outputs.json'), 'describe_stacks'));
    const stack = await describeStack(cfnClient(), '<stack-name:1>');
    expect(stackOutputs(stack)).toEqual({ SecretValue: 'SecretValue' });
    expect(stack?.Parameters?.find((p) => p.ParameterKey === 'SecretParameter')?.ParameterValue).toBe('****');
  });
});

describe('change-set: createChangeSet, changeRows, isEmptyChangeSet', () => {
  const request = {
    stackName: '<stack-name:1>',
    changeSetName: 'serverless-infra-1',
    parameters: {},
    tags: {},
    templateBody: '{}',
  };

  it('an empty change set (FAILED, UNAVAILABLE, "didn\'t contain changes") means nothing to do, and is deleted', async () => {
    const empty = fixture('cloudformation/change-set-empty.json');
    const described = call(empty, 'describe_nochange');
    expect(isEmptyChangeSet(described.output?.StatusReason as string)).toBe(true);
    cfn.serve(call(empty, 'nochange_changeset'), described, {
      operation: 'DeleteChangeSet',
      output: call(fixture('cloudformation/delete-change-set.json'), { operation: 'DeleteChangeSet' }).output,
    });
    const created = await createChangeSet(
      cfnClient(),
      { ...request, type: 'UPDATE' },
      { sleep: async () => {} },
    );
    expect(created).toMatchObject({ hasChanges: false, rows: [] });
    expect(created.id).toBe(call(empty, 'nochange_changeset').output?.Id);
    expect(cfn.requests.map((r) => r.operation)).toEqual([
      'CreateChangeSet',
      'DescribeChangeSet',
      'DeleteChangeSet',
    ]);
    expect(cfn.requests[2]?.params.ChangeSetName).toBe(created.id);
  });

  it('the same reason recorded three years later still reads as empty', () => {
    const later = call(fixture('cloudformation/change-set-no-changes.json'), 'change-set-description');
    expect(later.output).toMatchObject({ Status: 'FAILED', ExecutionStatus: 'UNAVAILABLE' });
    expect(isEmptyChangeSet(later.output?.StatusReason as string)).toBe(true);
  });

  it('a CREATE change set on a new stack: CREATE_COMPLETE, AVAILABLE, one row per resource to add', async () => {
    const empty = fixture('cloudformation/change-set-empty.json');
    cfn.serve(call(empty, 'first_changeset'), call(empty, 'describe_first_cs'));
    const created = await createChangeSet(
      cfnClient(),
      { ...request, type: 'CREATE' },
      { sleep: async () => {} },
    );
    expect(created).toEqual({
      id: call(empty, 'first_changeset').output?.Id,
      stackId: call(empty, 'first_changeset').output?.StackId,
      hasChanges: true,
      rows: [
        {
          action: 'add',
          logicalId: 'CDKMetadata',
          type: 'AWS::CDK::Metadata',
          destructive: false,
          replacementCauses: [],
        },
      ],
    });
  });

  it('executing a FAILED change set: AWS refuses with InvalidChangeSetStatus', async () => {
    const empty = fixture('cloudformation/change-set-empty.json');
    cfn.serve(call(empty, 'error_execute_failed'));
    const error = (await executeChangeSet(cfnClient(), '<stack-name:1>', 'cs').catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.name).toBe('InvalidChangeSetStatusException');
    expect(error.message).toMatch(/cannot be executed in its current status of \[FAILED\]$/);
  });

  it('Replacement True on a stateful resource (an SNS topic renamed): a destructive replace, caused by TopicName', async () => {
    const replaced = fixture('cloudformation/change-set-replacement-true.json');
    cfn.serve(call(replaced, 'describe-2'));
    const rows = changeRows(await describeChanges());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'replace',
      logicalId: 'topic123',
      type: 'AWS::SNS::Topic',
      destructive: true,
    });
    expect(new Set(rows[0]?.replacementCauses)).toEqual(new Set(['TopicName']));
  });

  it('Replacement Conditional: a replace caused by the conditionally recreating property only', async () => {
    const documented = fixture('cloudformation/change-set-replacement-conditional.json');
    cfn.serve(call(documented, { operation: 'DescribeChangeSet', index: 1 }));
    const rows = changeRows(await describeChanges());
    expect(rows[0]).toMatchObject({ action: 'replace', logicalId: 'MyEC2Instance', destructive: false });
    expect(new Set(rows[0]?.replacementCauses)).toEqual(new Set(['InstanceType']));
  });

  it('an UPDATE that removes resources (PolicyAction Delete): remove rows', async () => {
    const lifecycle = fixture('cloudformation/stack-events-create-update-delete.json');
    cfn.serve(call(lifecycle, 'describe-change-set-2'));
    expect(changeRows(await describeChanges()).map((r) => `${r.action} ${r.logicalId}`)).toEqual([
      'remove B',
      'remove C',
    ]);
  });

  async function describeChanges() {
    const { DescribeChangeSetCommand } = await import('@aws-sdk/client-cloudformation');
    const out = await cfnClient().send(new DescribeChangeSetCommand({ ChangeSetName: 'cs', StackName: 's' }));
    return out.Changes ?? [];
  }
});

describe('stack-events: StackMonitor', () => {
  it('a create through a change set: every event after `since` once, oldest first, to CREATE_COMPLETE', async () => {
    const create = fixture('cloudformation/stack-events-create.json');
    const stackName = '<stack-name:1>';
    // The first poll sees the three oldest events after REVIEW_IN_PROGRESS, the next ones all of them.
    cfn.serve(oldest(create, 'events', 3), call(create, 'events'), {
      operation: 'DescribeStacks',
      output: call(fixture('cloudformation/change-set-create-on-new-stack.json'), 'stack-post-execute')
        .output,
    });
    const { result, statuses, progress } = await watch(
      stackName,
      eventBefore(call(create, 'events'), REPLAY_EPOCH + 1000),
    );
    expect(result).toMatchObject({ outcome: 'finished', stackStatus: 'CREATE_COMPLETE' });
    expect(statuses).toEqual([
      `${stackName} CREATE_IN_PROGRESS`,
      'topic123 CREATE_IN_PROGRESS',
      'topic123 CREATE_IN_PROGRESS',
      'topic123 CREATE_COMPLETE',
      `${stackName} CREATE_COMPLETE`,
    ]);
    expect(progress.at(-1)).toEqual([{ logicalId: 'topic123', status: 'CREATE_COMPLETE', finished: true }]);
  });

  it('a stack created, updated (two resources removed) and deleted: each operation followed to its end', async () => {
    const lifecycle = fixture('cloudformation/stack-events-create-update-delete.json');
    const all = call(lifecycle, 'all-events');
    const stackName = '<stack-name:1>';
    // The update: from its UPDATE_IN_PROGRESS (the 12th event) to UPDATE_COMPLETE (the 17th).
    cfn.serve(oldest(lifecycle, 'all-events', 17), call(lifecycle, 'post-create-2-describe'));
    const update = await watch(stackName, eventBefore(all, REPLAY_EPOCH + 11_000));
    expect(update.result.stackStatus).toBe('UPDATE_COMPLETE');
    expect(update.statuses).toEqual([
      `${stackName} UPDATE_IN_PROGRESS`,
      'C DELETE_IN_PROGRESS',
      'C DELETE_COMPLETE',
      'B DELETE_IN_PROGRESS',
      'B DELETE_COMPLETE',
      `${stackName} UPDATE_COMPLETE`,
    ]);
    // The delete: after the last event, DescribeStacks by name no longer finds the stack.
    cfn.reset();
    cfn.serve(
      all,
      call(fixture('cloudformation/describe-deleted-stack.json'), 'deleted_stack_not_found_exc'),
    );
    const deletion = await watch(stackName, eventBefore(all, REPLAY_EPOCH + 17_000));
    expect(deletion.result).toMatchObject({ outcome: 'finished', stackStatus: 'DELETE_COMPLETE' });
    expect(deletion.statuses.at(-1)).toBe(`${stackName} DELETE_COMPLETE`);
  });

  it('a failed update: UPDATE_FAILED, rollback, UPDATE_ROLLBACK_COMPLETE; the root cause is the failed resource', async () => {
    const failed = fixture('cloudformation/stack-events-failed-update-rollback.json');
    cfn.serve(
      call(failed, { operation: 'DescribeStackEvents' }),
      call(failed, { operation: 'DescribeStacks' }),
    );
    const { result, statuses } = await watch(
      'MyStack',
      eventBefore(call(failed, { operation: 'DescribeStackEvents' }), Date.parse('2011-09-30T16:35:00Z')),
    );
    expect(result.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(statuses).toEqual([
      'MyStack UPDATE_IN_PROGRESS',
      'MyDB UPDATE_IN_PROGRESS',
      'MyDB UPDATE_FAILED',
      'MyStack UPDATE_ROLLBACK_IN_PROGRESS',
      'MyDB UPDATE_IN_PROGRESS',
      'MyDB UPDATE_COMPLETE',
      'MyStack UPDATE_ROLLBACK_COMPLETE',
    ]);
    expect(rootCauses(result.events, 'MyStack')).toEqual([
      {
        logicalId: 'MyDB',
        type: 'AWS::RDS::DBInstance',
        status: 'UPDATE_FAILED',
        reason: 'Size cannot be less than current size; requested: 5; current: 10',
        hint: undefined,
      },
    ]);
  });

  it('a delete with DeletionPolicy Retain: the resource is DELETE_SKIPPED (finished), the stack DELETE_COMPLETE', async () => {
    const retained = fixture('cloudformation/stack-events-deletion-policy-retain.json');
    const stackName = '<stack-name>';
    // The events by name until the stack is gone, then AWS's "Stack [name] does not exist".
    cfn.serve(
      oldest(retained, 'per-resource-events', 7),
      call(fixture('cloudformation/describe-deleted-stack.json'), 'deleted_stack_events_not_found_by_name'),
    );
    const { result, statuses, progress } = await watch(
      stackName,
      eventBefore(call(retained, 'per-resource-events'), REPLAY_EPOCH + 5000),
    );
    expect(result).toMatchObject({ outcome: 'finished', stackStatus: 'DELETE_COMPLETE' });
    expect(statuses).toEqual([`${stackName} DELETE_IN_PROGRESS`, 'MyParameter DELETE_SKIPPED']);
    expect(progress.at(-1)).toEqual([{ logicalId: 'MyParameter', status: 'DELETE_SKIPPED', finished: true }]);
  });

  it('a delete that retains a resource after failed attempts: events that looked alike in the recording stay apart', async () => {
    const blocked = fixture('cloudformation/stack-events-delete-skipped.json');
    const stackName = '<stack-name:1>';
    cfn.serve(
      call(blocked, 'stack_events'),
      call(fixture('cloudformation/describe-deleted-stack.json'), 'deleted_stack_not_found_exc'),
    );
    // From the last DeleteStack (the 13th of 15 events).
    const { result, statuses } = await watch(
      stackName,
      eventBefore(call(blocked, 'stack_events'), REPLAY_EPOCH + 12_000),
    );
    expect(result).toMatchObject({ outcome: 'finished', stackStatus: 'DELETE_COMPLETE' });
    expect(statuses).toEqual([
      `${stackName} DELETE_IN_PROGRESS`,
      'BrokenPolicy DELETE_SKIPPED',
      `${stackName} DELETE_COMPLETE`,
    ]);
  });
});

describe('versions: getAliasTraffic, listVersions', () => {
  it('an alias with a routing config: the weight is a fraction of the traffic (0.2 = 20 %)', async () => {
    lambda.serve(call(fixture('lambda/get-alias-routing-config.json'), 'get_alias_1_1'));
    expect(await getAliasTraffic(lambdaClient(), 'fn', 'aliasname1_1')).toEqual({
      version: '1',
      percent: { '2': 20, '1': 80 },
    });
  });

  it('an alias without RoutingConfig serves its version only', async () => {
    lambda.serve(call(fixture('lambda/get-alias-routing-config.json'), 'get_alias_1_2'));
    expect(await getAliasTraffic(lambdaClient(), 'fn', 'aliasname1_2')).toEqual({
      version: '1',
      percent: { '1': 100 },
    });
  });

  it('an alias that does not exist: ResourceNotFoundException (what "no alias yet" is read from)', async () => {
    lambda.serve(call(fixture('lambda/get-alias-missing.json'), { operation: 'GetAlias' }));
    const error = (await getAliasTraffic(lambdaClient(), 'fn', 'live').catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('lists every page (NextMarker -> Marker), published versions only, oldest first', async () => {
    const paging = fixture('lambda/list-versions-paging.json');
    lambda.serve(...paging.calls);
    expect(await listVersions(lambdaClient(), 'my-function')).toEqual(['1', '2']);
    expect(lambda.requests.map((r) => r.params.Marker)).toEqual([undefined, '<marker:1>']);
  });

  it('PublishVersion with nothing changed returns the existing version: the list stays [1]', async () => {
    const unchanged = fixture('lambda/publish-version-unchanged.json');
    expect(call(unchanged, 'repeated_publish_response').output?.Version).toBe('1');
    lambda.serve(call(unchanged, 'list_versions_result_after_publish'));
    expect(await listVersions(lambdaClient(), 'fn')).toEqual(['1']);
  });
});

describe('release snapshot: computeSnapshot', () => {
  async function raw(deploymentFile: string, targetFile?: string) {
    const deployment = fixture(deploymentFile);
    codedeploy.serve(call(deployment, { operation: 'GetDeployment' }));
    const { deploymentInfo } = await codedeployClient().send(new GetDeploymentCommand({ deploymentId: 'd' }));
    let target: LambdaTarget | undefined;
    if (targetFile) {
      codedeploy.serve(call(fixture(targetFile), { operation: 'GetDeploymentTarget' }));
      const { deploymentTarget } = await codedeployClient().send(
        new GetDeploymentTargetCommand({ deploymentId: 'd', targetId: 't' }),
      );
      target = deploymentTarget?.lambdaTarget;
    }
    return { deployment: deploymentInfo as DeploymentInfo, target };
  }

  it('a canary in progress: 10 % on version 4 by the target, 10 % by the alias, the next step at interval end', async () => {
    const { deployment, target } = await raw(
      'codedeploy/deployment-in-progress.json',
      'codedeploy/deployment-in-progress.json',
    );
    lambda.serve(call(fixture('lambda/get-alias-during-canary.json'), { operation: 'GetAlias' }));
    const traffic = await getAliasTraffic(lambdaClient(), 'my-function', 'live');
    const snapshot = computeSnapshot(
      { deploymentId: 'd-A1B2C3111', deployment, target, traffic, alarms: [] },
      0,
    );
    const allowTrafficStarted = Date.parse('2026-01-01T00:00:10Z');
    expect(snapshot).toMatchObject({
      status: 'InProgress',
      inFlight: true,
      config: 'LambdaCanary10Percent5Minutes',
      strategy: 'canary',
      from: '3',
      to: '4',
      newPercent: 10,
      aliasRead: true,
      creator: 'user',
      hooks: [
        { name: 'BeforeAllowTraffic', status: 'Succeeded' },
        { name: 'AllowTraffic', status: 'InProgress' },
        { name: 'AfterAllowTraffic', status: 'Pending' },
      ],
      next: { percent: 100, at: new Date(allowTrafficStarted + 5 * 60_000) },
    });
  });

  it('GetDeployment carries no AppSpec content (documented): before the target exists, the versions come from our description, else are unknown', async () => {
    const { deployment } = await raw('codedeploy/deployment-in-progress.json');
    expect(deployment.revision?.appSpecContent?.content).toBeUndefined();
    const ours = computeSnapshot({ deploymentId: 'd-A1B2C3111', deployment, alarms: [] }, 0);
    expect(ours).toMatchObject({ from: '3', to: '4', newPercent: 0 });
    const theirs = computeSnapshot(
      {
        deploymentId: 'd-A1B2C3111',
        deployment: { ...deployment, description: 'console deployment' },
        alarms: [],
      },
      0,
    );
    expect(theirs).toMatchObject({ from: undefined, to: undefined, newPercent: 0 });
  });

  it('a finished deployment: Succeeded, all traffic on the target version, ended', async () => {
    const { deployment, target } = await raw(
      'codedeploy/deployment-succeeded.json',
      'codedeploy/deployment-succeeded.json',
    );
    // The alias after the shift: all traffic on version 4, no routing config (the split is the alias's).
    const traffic = aliasTraffic('4', undefined);
    const snapshot = computeSnapshot(
      { deploymentId: 'd-A1B2C3111', deployment, target, traffic, alarms: [] },
      0,
    );
    expect(snapshot).toMatchObject({
      status: 'Succeeded',
      inFlight: false,
      newPercent: 100,
      next: undefined,
    });
    expect(snapshot.endedAt).toBe(Date.parse('2026-01-01T00:11:40Z'));
  });

  it('stopped by the user: Stopped, MANUAL_STOP, the rollback deployment named', async () => {
    const { deployment } = await raw('codedeploy/deployment-stopped.json');
    const snapshot = computeSnapshot({ deploymentId: 'd-A1B2C3111', deployment, alarms: [] }, 0);
    expect(snapshot).toMatchObject({
      status: 'Stopped',
      inFlight: false,
      error: { code: 'MANUAL_STOP', message: undefined },
      rollbackDeploymentId: 'd-R0LLBACK1',
    });
  });

  it('stopped by an alarm: Stopped, ALARM_ACTIVE, the rollback deployment named', async () => {
    const { deployment } = await raw('codedeploy/deployment-stopped-by-alarm.json');
    const snapshot = computeSnapshot({ deploymentId: 'd-A1B2C3111', deployment, alarms: [] }, 0);
    expect(snapshot).toMatchObject({
      status: 'Stopped',
      error: { code: 'ALARM_ACTIVE' },
      rollbackDeploymentId: 'd-R0LLBACK1',
    });
  });

  it("CodeDeploy's rollback deployment: created by codeDeployRollback, naming the deployment it rolls back", async () => {
    const { deployment } = await raw('codedeploy/rollback-deployment.json');
    const snapshot = computeSnapshot({ deploymentId: 'd-R0LLBACK1', deployment, alarms: [] }, 0);
    expect(snapshot).toMatchObject({
      creator: 'codeDeployRollback',
      rollbackOf: 'd-A1B2C3111',
      status: 'Succeeded',
    });
  });
});

describe('release history: listReleases', () => {
  it("a shift stopped by an alarm and CodeDeploy's rollback of it: newest first, outcomes and creators", async () => {
    const history = fixture('codedeploy/rollback-deployment.json');
    codedeploy.serve(
      call(history, { operation: 'ListDeployments' }),
      call(history, { operation: 'BatchGetDeployments' }),
    );
    const releases = await listReleases(codedeployClient(), {
      application: 'my-app',
      deploymentGroup: 'my-group',
    });
    expect(releases.map((r) => [r.deploymentId, r.status, r.outcome, r.creator])).toEqual([
      ['d-R0LLBACK1', 'Succeeded', 'succeeded', 'codeDeployRollback'],
      ['d-A1B2C3111', 'Stopped', 'rolled-back-by-alarm', 'user'],
      ['d-PREV00001', 'Succeeded', 'succeeded', 'user'],
    ]);
    // Our own deployments: the versions from the description we wrote (GetDeployment carries no AppSpec
    // content). CodeDeploy's rollback redeploys what was there before: the deployment it undid, the other way
    // round (rollbackInfo.rollbackTriggeringDeploymentId), read without another call.
    expect(releases.map((r) => [r.from, r.to, r.rollbackOf])).toEqual([
      ['4', '3', 'd-A1B2C3111'],
      ['3', '4', undefined],
      ['2', '3', undefined],
    ]);
    expect(codedeploy.unexpected).toEqual([]);
  });
});
