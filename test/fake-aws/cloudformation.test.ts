import {
  CancelUpdateStackCommand,
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  type StackEvent,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_CHANGE_SET_REASON } from '../support/fake-aws/cloudformation/changes.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { responseChecker } from './botocore-model.js';
import { fixtureTemplate } from './fixture-stack.js';

describe('fake CloudFormation', () => {
  let fake: FakeAws;
  const checker = responseChecker();
  let cfn: CloudFormationClient;
  beforeAll(async () => {
    fake = await startFakeAws({ onResponse: checker.onResponse });
    cfn = new CloudFormationClient(fake.sdkConfig);
  });
  afterAll(async () => {
    await fake?.stop();
  });
  beforeEach(() => fake.reset());

  async function createAndExecute(
    stackName: string,
    template: object,
    type: 'CREATE' | 'UPDATE',
    parameters: Record<string, string> = {},
  ) {
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: `cs-${type.toLowerCase()}`,
        ChangeSetType: type,
        TemplateBody: JSON.stringify(template),
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
          ParameterKey,
          ParameterValue,
        })),
      }),
    );
    await fake.clock.advance(1000);
    const described = await cfn.send(
      new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: `cs-${type.toLowerCase()}` }),
    );
    return described;
  }

  it('creates a stack from a synthesized template with per-resource events and outputs', async () => {
    const template = fixtureTemplate({ stackName: 'fixture' });
    const cs = await createAndExecute('fixture', template, 'CREATE');
    expect(cs.Status).toBe('CREATE_COMPLETE');
    expect(cs.Changes?.every((c) => c.ResourceChange?.Action === 'Add')).toBe(true);
    const reviewing = await cfn.send(new DescribeStacksCommand({ StackName: 'fixture' }));
    expect(reviewing.Stacks?.[0]?.StackStatus).toBe('REVIEW_IN_PROGRESS');

    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'fixture', ChangeSetName: 'cs-create' }));
    await fake.clock.advance(0);
    expect(
      (await cfn.send(new DescribeStacksCommand({ StackName: 'fixture' }))).Stacks?.[0]?.StackStatus,
    ).toBe('CREATE_IN_PROGRESS');
    await fake.clock.runAll();
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'fixture' }))).Stacks?.[0];
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    expect(outputs.NewVersion).toBe('1');
    expect(outputs.Where).toBe(`fixture in ${fake.region}:${fake.accountId}`);
    expect(outputs.BucketUrl).toBe(`https://${outputs.BucketName}.s3.${fake.region}.amazonaws.com/`);
    expect(outputs.AliasArn).toBe(
      `arn:aws:lambda:${fake.region}:${fake.accountId}:function:${outputs.FunctionName}:live`,
    );

    const events: StackEvent[] =
      (await cfn.send(new DescribeStackEventsCommand({ StackName: 'fixture' }))).StackEvents ?? [];
    const order = [...events].reverse().map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`);
    expect(order[0]).toBe('fixture REVIEW_IN_PROGRESS');
    expect(order.at(-1)).toBe('fixture CREATE_COMPLETE');
    const index = (id: string, status: string) =>
      order.findIndex((line) => line.startsWith(id) && line.endsWith(status));
    const fnId = Object.keys(template.Resources as object).find((k) => k.startsWith('Handler8')) as string;
    const versionId = Object.keys(template.Resources as object).find((k) =>
      k.startsWith('HandlerCurrentVersion'),
    ) as string;
    expect(index(fnId, 'CREATE_COMPLETE')).toBeLessThan(index(versionId, 'CREATE_IN_PROGRESS'));
    expect(index('Live', 'CREATE_COMPLETE')).toBeGreaterThan(index(versionId, 'CREATE_COMPLETE'));
  });

  const status = async (name: string) =>
    (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  const timeline = async (name: string) =>
    ((await cfn.send(new DescribeStackEventsCommand({ StackName: name }))).StackEvents ?? [])
      .reverse()
      .map(
        (e) =>
          `${e.LogicalResourceId} ${e.ResourceStatus}${e.ResourceStatusReason ? ` ${e.ResourceStatusReason}` : ''}`,
      );
  const idOf = (template: object, prefix: string) =>
    Object.keys((template as { Resources: object }).Resources).find((k) => k.startsWith(prefix)) as string;

  async function deploy(name: string, template: object, parameters: Record<string, string> = {}) {
    const current = await status(name).catch(() => undefined);
    const type = current && current.StackStatus !== 'REVIEW_IN_PROGRESS' ? 'UPDATE' : 'CREATE';
    const cs = await createAndExecute(name, template, type, parameters);
    if (cs.Status !== 'CREATE_COMPLETE') return cs;
    await cfn.send(new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: cs.ChangeSetName }));
    await fake.clock.runAll();
    return cs;
  }

  it('rolls a failed create back: root cause, cancelled siblings, ROLLBACK_COMPLETE, then refuses updates', async () => {
    const template = fixtureTemplate({ stackName: 'broken' });
    const tableId = idOf(template, 'Items');
    fake.faults.failResource(tableId, 'Table limit exceeded', { on: 'create' });
    await deploy('broken', template);
    const stack = await status('broken');
    expect(stack?.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(stack?.Outputs).toBeUndefined();
    const events = await timeline('broken');
    expect(events).toContain(
      `broken ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [${tableId}]. Rollback requested by user.`,
    );
    expect(events).toContain(`${tableId} CREATE_FAILED Table limit exceeded`);
    expect(events.some((e) => e.endsWith('CREATE_FAILED Resource creation cancelled'))).toBe(true);
    expect(events.filter((e) => e.includes('DELETE_COMPLETE')).length).toBeGreaterThan(0);
    expect(events.at(-1)).toBe('broken ROLLBACK_COMPLETE');
    await expect(createAndExecute('broken', template, 'UPDATE')).rejects.toThrow(
      /is in ROLLBACK_COMPLETE state and can not be updated/,
    );
  });

  it('describes an update: Add/Modify/Remove with Replacement, and the empty change set FAILED with AWS reason', async () => {
    const first = fixtureTemplate({ stackName: 'upd', bucketName: 'fixture-bucket-a' });
    await deploy('upd', first);
    const second = fixtureTemplate({
      stackName: 'upd',
      bucketName: 'fixture-bucket-b',
      code: 'exports.handler = async () => 2;',
    });
    const cs = await createAndExecute('upd', second, 'UPDATE', { LiveAliasVersion: '1' });
    const changes = Object.fromEntries(
      (cs.Changes ?? []).map((c) => [c.ResourceChange?.LogicalResourceId, c.ResourceChange]),
    );
    expect(changes[idOf(second, 'HandlerCurrentVersion')]?.Action).toBe('Add');
    expect(changes[idOf(first, 'HandlerCurrentVersion')]?.Action).toBe('Remove');
    expect(changes[idOf(second, 'Handler8')]).toMatchObject({ Action: 'Modify', Replacement: 'False' });
    expect(changes[idOf(second, 'Storage')]).toMatchObject({ Action: 'Modify', Replacement: 'True' });
    expect(changes[idOf(second, 'Items')]).toBeUndefined();

    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'upd', ChangeSetName: cs.ChangeSetName }));
    await fake.clock.runAll();
    expect((await status('upd'))?.StackStatus).toBe('UPDATE_COMPLETE');
    const events = await timeline('upd');
    expect(events).toContain(
      `${idOf(second, 'Storage')} UPDATE_IN_PROGRESS Requested update requires the creation of a new physical resource; hence creating one.`,
    );
    expect(events).toContain('upd UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(events).toContain(`${idOf(first, 'HandlerCurrentVersion')} DELETE_SKIPPED`);
    const s3 = new S3Client(fake.motoSdkConfig);
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'fixture-bucket-b' }))).resolves.toBeDefined();
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'fixture-bucket-a' }))).rejects.toThrow();

    const empty = await createAndExecute('upd', second, 'UPDATE', { LiveAliasVersion: '1' });
    expect(empty.Status).toBe('FAILED');
    expect(empty.StatusReason).toBe(EMPTY_CHANGE_SET_REASON);
    expect(empty.ExecutionStatus).toBe('UNAVAILABLE');
  });

  it('rolls a failed update back; a failing rollback ends in UPDATE_ROLLBACK_FAILED until continued', async () => {
    const first = fixtureTemplate({ stackName: 'rb' });
    await deploy('rb', first);
    const second = fixtureTemplate({ stackName: 'rb', code: 'exports.handler = async () => 3;' });
    const fnId = idOf(second, 'Handler8');
    // The new version fails to create; rolling the function's code back fails once.
    fake.faults.failResource(idOf(second, 'HandlerCurrentVersion'), 'Version creation failed', {
      on: 'create',
    });
    fake.faults.failResource(fnId, 'Rollback failed too', { on: 'rollback', times: 1 });
    await deploy('rb', second, { LiveAliasVersion: '1' });
    let stack = await status('rb');
    expect(stack?.StackStatus).toBe('UPDATE_ROLLBACK_FAILED');
    expect(stack?.StackStatusReason).toContain(fnId);
    expect(await timeline('rb')).toContain(`${fnId} UPDATE_FAILED Rollback failed too`);
    await cfn.send(new ContinueUpdateRollbackCommand({ StackName: 'rb', ResourcesToSkip: [fnId] }));
    await fake.clock.runAll();
    stack = await status('rb');
    expect(stack?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const template = await cfn.send(new GetTemplateCommand({ StackName: 'rb' }));
    expect(JSON.parse(template.TemplateBody as string)).toEqual(first);
  });

  it('cancels an update in progress and rolls it back', async () => {
    const first = fixtureTemplate({ stackName: 'cancel' });
    await deploy('cancel', first);
    const cs = await createAndExecute(
      'cancel',
      fixtureTemplate({ stackName: 'cancel', extraTopic: true }),
      'UPDATE',
      { LiveAliasVersion: '1' },
    );
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'cancel', ChangeSetName: cs.ChangeSetName }));
    await fake.clock.advance(500);
    await cfn.send(new CancelUpdateStackCommand({ StackName: 'cancel' }));
    await fake.clock.runAll();
    const stack = await status('cancel');
    expect(stack?.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const resources =
      (await cfn.send(new DescribeStackResourcesCommand({ StackName: 'cancel' }))).StackResources ?? [];
    expect(resources.some((r) => r.LogicalResourceId?.startsWith('Extra'))).toBe(false);
  });

  it('keeps a protected stack; deletes it once unprotected', async () => {
    await deploy('prot', fixtureTemplate({ stackName: 'prot' }));
    await cfn.send(
      new UpdateTerminationProtectionCommand({ StackName: 'prot', EnableTerminationProtection: true }),
    );
    expect((await status('prot'))?.EnableTerminationProtection).toBe(true);
    await expect(cfn.send(new DeleteStackCommand({ StackName: 'prot' }))).rejects.toThrow(
      /TerminationProtection is enabled/,
    );
    await cfn.send(
      new UpdateTerminationProtectionCommand({ StackName: 'prot', EnableTerminationProtection: false }),
    );
    const stackId = (await status('prot'))?.StackId as string;
    await cfn.send(new DeleteStackCommand({ StackName: 'prot' }));
    await fake.clock.runAll();
    await expect(status('prot')).rejects.toThrow('Stack with id prot does not exist');
    expect((await status(stackId))?.StackStatus).toBe('DELETE_COMPLETE');
  });

  it('reads TemplateURL from the S3 endpoint, paginates events, and refuses a busy stack', async () => {
    const topics = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`Topic${i}`, { Type: 'AWS::SNS::Topic' }]),
    );
    const template = { Resources: topics };
    const s3 = new S3Client(fake.motoSdkConfig);
    await s3.send(new CreateBucketCommand({ Bucket: 'templates-bucket' })).catch(() => undefined);
    await s3.send(
      new PutObjectCommand({ Bucket: 'templates-bucket', Key: 'big.json', Body: JSON.stringify(template) }),
    );
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'many',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateURL: `https://templates-bucket.s3.${fake.region}.amazonaws.com/big.json`,
      }),
    );
    await fake.clock.advance(1000);
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'many', ChangeSetName: 'first' }));
    await fake.clock.runAll();
    const page1 = await cfn.send(new DescribeStackEventsCommand({ StackName: 'many' }));
    expect(page1.StackEvents?.length).toBe(100);
    const page2 = await cfn.send(
      new DescribeStackEventsCommand({ StackName: 'many', NextToken: page1.NextToken }),
    );
    expect(page1.StackEvents?.[0]?.ResourceStatus).toBe('CREATE_COMPLETE');
    expect(page2.StackEvents?.at(-1)?.ResourceStatus).toBe('REVIEW_IN_PROGRESS');
    expect((page1.StackEvents?.length ?? 0) + (page2.StackEvents?.length ?? 0)).toBe(2 + 40 * 3 + 1);

    await expect(
      cfn.send(
        new CreateChangeSetCommand({
          StackName: 'many',
          ChangeSetName: 'x',
          ChangeSetType: 'UPDATE',
          TemplateURL: 'https://s3.amazonaws.com/templates-bucket/missing.json',
        }),
      ),
    ).rejects.toThrow('S3 error: The specified key does not exist.');
    fake.faults.makeStackBusy('many', 60_000);
    await expect(
      cfn.send(
        new CreateChangeSetCommand({
          StackName: 'many',
          ChangeSetName: 'y',
          ChangeSetType: 'UPDATE',
          TemplateURL: 'https://s3.amazonaws.com/templates-bucket/big.json',
        }),
      ),
    ).rejects.toThrow(/is in UPDATE_IN_PROGRESS state and can not be updated/);
    await fake.clock.advance(60_000);
    expect((await status('many'))?.StackStatus).toBe('UPDATE_COMPLETE');
  });

  it('answers with AWS errors: size limit, capabilities, throttling, expired credentials', async () => {
    const createWith = (template: object) =>
      cfn.send(
        new CreateChangeSetCommand({
          StackName: 'e',
          ChangeSetName: 'a',
          ChangeSetType: 'CREATE',
          TemplateBody: JSON.stringify(template),
        }),
      );
    // Over 51,200 bytes: 52,000 letters, and 20,000 letters of 界 (60,000 bytes of UTF-8, the limit's unit).
    for (const pad of ['x'.repeat(52_000), '界'.repeat(20_000)]) {
      const big = { Resources: { T: { Type: 'AWS::SNS::Topic', Metadata: { pad } } } };
      await expect(createWith(big)).rejects.toThrow(/Member must have length less than or equal to 51200/);
    }
    const iam = {
      Resources: { R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } } },
    };
    await expect(createWith(iam)).rejects.toMatchObject({
      name: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_IAM]',
    });
    const once = new CloudFormationClient({ ...fake.sdkConfig, maxAttempts: 1 });
    fake.faults.throttle('DescribeStacks', 1);
    await expect(once.send(new DescribeStacksCommand({}))).rejects.toMatchObject({
      name: 'Throttling',
      message: 'Rate exceeded',
    });
    await expect(once.send(new DescribeStacksCommand({}))).resolves.toBeDefined();
    fake.faults.expireCredentials();
    await expect(once.send(new DescribeStacksCommand({}))).rejects.toMatchObject({ name: 'ExpiredToken' });
    fake.faults.restoreCredentials();
  });

  it('updates a resource listed before the unchanged resource it depends on', async () => {
    const template = (tag: string) => ({
      Resources: {
        Dependent: {
          Type: 'AWS::SNS::Topic',
          Properties: {
            DisplayName: { 'Fn::GetAtt': ['Base', 'TopicName'] },
            Tags: [{ Key: 'v', Value: tag }],
          },
        },
        Base: { Type: 'AWS::SNS::Topic' },
      },
    });
    await deploy('order', template('1'));
    await deploy('order', template('2'));
    expect((await status('order'))?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(await timeline('order')).toContain('Dependent UPDATE_COMPLETE');
  });

  it('deletes a function after its retained version is skipped (DELETE_SKIPPED)', async () => {
    const template = {
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Role: 'arn:aws:iam::123456789012:role/r',
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            Code: { ZipFile: 'x' },
          },
        },
        Version: {
          Type: 'AWS::Lambda::Version',
          DeletionPolicy: 'Retain',
          Properties: { FunctionName: { Ref: 'Fn' } },
        },
      },
    };
    await deploy('retain', template);
    const stackId = (await status('retain'))?.StackId as string;
    await cfn.send(new DeleteStackCommand({ StackName: 'retain' }));
    await fake.clock.runAll();
    const events = await timeline(stackId);
    expect(events.indexOf('Version DELETE_SKIPPED')).toBeGreaterThan(
      events.indexOf('retain DELETE_IN_PROGRESS User Initiated'),
    );
    expect(events.indexOf('Version DELETE_SKIPPED')).toBeLessThan(events.indexOf('Fn DELETE_IN_PROGRESS'));
    expect(events.at(-1)).toBe('retain DELETE_COMPLETE');
  });

  it('explains a replacement caused by a parameter, and what refers to the replaced resource', async () => {
    const template = {
      Parameters: { Name: { Type: 'String' } },
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { Ref: 'Name' } } },
        Policy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: { Bucket: { Ref: 'Bucket' }, PolicyDocument: { Statement: [] } },
        },
      },
    };
    await deploy('reasons', template, { Name: `reasons-a-${fake.accountId}` });
    const cs = await createAndExecute('reasons', template, 'UPDATE', { Name: `reasons-b-${fake.accountId}` });
    const changes = Object.fromEntries(
      (cs.Changes ?? []).map((c) => [c.ResourceChange?.LogicalResourceId, c.ResourceChange]),
    );
    // A parameter's change is listed twice: the parameter (Static) and the property (Dynamic); recorded
    // in test/conformance/fixtures/cloudformation/change-set-replacement-true.json.
    expect(changes.Bucket).toMatchObject({
      Action: 'Modify',
      Replacement: 'True',
      PolicyAction: 'ReplaceAndDelete',
      Details: [
        {
          Target: { Name: 'BucketName', RequiresRecreation: 'Always' },
          Evaluation: 'Static',
          ChangeSource: 'ParameterReference',
          CausingEntity: 'Name',
        },
        {
          Target: { Name: 'BucketName', RequiresRecreation: 'Always' },
          Evaluation: 'Dynamic',
          ChangeSource: 'DirectModification',
        },
      ],
    });
    expect(changes.Policy).toMatchObject({
      Action: 'Modify',
      Replacement: 'Conditional',
      Details: [
        {
          Target: { Name: 'Bucket', RequiresRecreation: 'Conditionally' },
          Evaluation: 'Dynamic',
          ChangeSource: 'ResourceReference',
          CausingEntity: 'Bucket',
        },
      ],
    });
  });

  // --- as AWS documents (or was recorded doing) it: each test names its evidence ---

  const minimal = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
  const changeSet = (StackName: string, ChangeSetName: string, type: 'CREATE' | 'UPDATE' = 'CREATE') =>
    cfn.send(
      new CreateChangeSetCommand({ StackName, ChangeSetName, ChangeSetType: type, TemplateBody: minimal }),
    );

  it('REVIEW_IN_PROGRESS is a resting state: it stays, and accepts another CREATE change set and DeleteStack', async () => {
    // Recorded: test/conformance/fixtures/cloudformation/change-set-review-accepts-operations.json.
    const { StackId } = await changeSet('resting', 'first');
    await fake.clock.advance(24 * 3600_000);
    expect((await status('resting'))?.StackStatus).toBe('REVIEW_IN_PROGRESS');
    await changeSet(StackId as string, 'second');
    await fake.clock.advance(1000);
    expect((await status('resting'))?.StackStatus).toBe('REVIEW_IN_PROGRESS');
    await cfn.send(new DeleteStackCommand({ StackName: 'resting' }));
    await fake.clock.runAll();
    expect((await status(StackId as string))?.StackStatus).toBe('DELETE_COMPLETE');
    await expect(changeSet(StackId as string, 'revived')).rejects.toMatchObject({
      name: 'ValidationError',
      message: `Stack [${StackId}] already exists and cannot be created again with the changeSet [revived].`,
    });
  });

  it('a CREATE change set on a live stack is a ValidationError, not AlreadyExists', async () => {
    // Recorded: change-set-name-conflicts.json.
    await deploy('live-one', JSON.parse(minimal));
    await expect(changeSet('live-one', 'again')).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack [live-one] already exists and cannot be created again with the changeSet [again].',
    });
  });

  it('DeleteChangeSet succeeds for a change set name the stack does not have; a missing stack is a ValidationError', async () => {
    // The CDK toolkit relies on it before every deploy: "The delete request is successful as long as the
    // stack exists (even if the change set does not exist)" (aws/aws-cdk-cli, toolkit-lib cfn-api.ts);
    // the API reference declares no ChangeSetNotFound for DeleteChangeSet. Recorded: change-set-errors.json.
    await deploy('cleanup', JSON.parse(minimal));
    await expect(
      cfn.send(new DeleteChangeSetCommand({ StackName: 'cleanup', ChangeSetName: 'cdk-deploy-change-set' })),
    ).resolves.toBeDefined();
    await expect(
      cfn.send(new DeleteChangeSetCommand({ StackName: 'nostack', ChangeSetName: 'DoesNotExist' })),
    ).rejects.toMatchObject({ name: 'ValidationError', message: 'Stack [nostack] does not exist' });
  });

  it('executing a change set deletes the others; another operation leaves pending ones OBSOLETE', async () => {
    // ExecuteChangeSet: "CloudFormation deletes all other change sets associated with the stack";
    // DescribeChangeSet: "an OBSOLETE state because the stack was already updated"; recorded: change-set-obsolete.json.
    await deploy('obsolete', JSON.parse(minimal));
    const other = JSON.stringify({
      Resources: { Topic: { Type: 'AWS::SNS::Topic' }, Two: { Type: 'AWS::SNS::Topic' } },
    });
    const update = (ChangeSetName: string) =>
      cfn.send(
        new CreateChangeSetCommand({
          StackName: 'obsolete',
          ChangeSetName,
          ChangeSetType: 'UPDATE',
          TemplateBody: other,
        }),
      );
    const [a, b] = [await update('a'), await update('b')];
    await fake.clock.advance(1000);
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: b.Id }));
    await expect(cfn.send(new DescribeChangeSetCommand({ ChangeSetName: a.Id }))).rejects.toMatchObject({
      name: 'ChangeSetNotFoundException',
    });
    await fake.clock.runAll();
    // The executed one stays describable, and its name can be used again.
    expect((await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: b.Id }))).ExecutionStatus).toBe(
      'EXECUTE_COMPLETE',
    );
    expect((await status('obsolete'))?.ChangeSetId).toBe(b.Id);
    const pending = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'obsolete',
        ChangeSetName: 'b',
        ChangeSetType: 'UPDATE',
        TemplateBody: minimal,
      }),
    );
    await fake.clock.advance(1000);
    fake.faults.makeStackBusy('obsolete', 10_000);
    const described = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: pending.Id }));
    expect([described.Status, described.ExecutionStatus]).toEqual(['CREATE_COMPLETE', 'OBSOLETE']);
    await fake.clock.runAll();
    await expect(cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: pending.Id }))).rejects.toMatchObject({
      name: 'InvalidChangeSetStatusException',
      message: `ChangeSet [${pending.Id}] cannot be executed in its current status of [OBSOLETE]`,
    });
  });

  it('the empty change set: FAILED with the exact reason, and executing it is InvalidChangeSetStatus', async () => {
    // Recorded: change-set-empty.json, change-set-no-changes.json.
    await deploy('empty', JSON.parse(minimal));
    const { Id } = await changeSet('empty', 'same', 'UPDATE');
    await fake.clock.advance(1000);
    const described = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: Id }));
    expect([described.Status, described.ExecutionStatus, described.StatusReason]).toEqual([
      'FAILED',
      'UNAVAILABLE',
      "The submitted information didn't contain changes. Submit different information to create a change set.",
    ]);
    await expect(cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: Id }))).rejects.toMatchObject({
      name: 'InvalidChangeSetStatusException',
      message: `ChangeSet [${Id}] cannot be executed in its current status of [FAILED]`,
    });
  });

  it('answered every call above with responses that match the botocore models', () => {
    expect(checker.problems()).toEqual([]);
  });
});
