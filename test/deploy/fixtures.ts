import {
  CancelUpdateStackCommand,
  type CloudFormationClient,
  ContinueUpdateRollbackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  ExecuteChangeSetCommand,
  type Stack,
  type StackEvent,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { StackSource } from '../../src/deploy/stack-source.js';
import type { Interaction, StepReport } from '../../src/ui/interaction.js';

export const STACK = 'ServerlessInfra-Staging';
export const STACK_ID = `arn:aws:cloudformation:eu-west-1:123456789012:stack/${STACK}/abc`;

export function source(overrides: Partial<StackSource> = {}): StackSource {
  return {
    stackName: STACK,
    template: {
      Parameters: { LiveAliasVersion: { Type: 'String', Default: '' } },
      Resources: {
        Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST' } },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: 'abc.zip' } } },
      },
    },
    parameters: {},
    tags: { Project: 'ServerlessInfra', Environment: 'Staging' },
    terminationProtection: false,
    assetManifests: [],
    ...overrides,
  };
}

export const OUTPUTS = {
  ApiUrl: 'https://api.example.com/prod/',
  AliasArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn-name:live',
  FunctionName: 'fn-name',
  NewVersion: '3',
  TopicArn: 'arn:aws:sns:eu-west-1:123456789012:topic',
  CodeDeployApplication: 'app',
  CodeDeployDeploymentGroup: 'group',
};

/** A deployed stack as DescribeStacks returns it, matching `source()` with the alias on `live`. */
export function deployedStack(status = 'UPDATE_COMPLETE', live = '2'): Stack {
  return {
    StackName: STACK,
    StackId: STACK_ID,
    StackStatus: status as StackStatus,
    CreationTime: new Date('2026-01-01T00:00:00Z'),
    Parameters: [{ ParameterKey: 'LiveAliasVersion', ParameterValue: live }],
    Tags: [
      { Key: 'Project', Value: 'ServerlessInfra' },
      { Key: 'Environment', Value: 'Staging' },
    ],
    EnableTerminationProtection: false,
    Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
  };
}

let eventCounter = 0;
export function event(
  logicalId: string,
  status: string,
  reason?: string,
  type = logicalId === STACK ? 'AWS::CloudFormation::Stack' : 'AWS::Lambda::Function',
): StackEvent {
  eventCounter++;
  return {
    EventId: `e${eventCounter}`,
    StackId: STACK_ID,
    StackName: STACK,
    LogicalResourceId: logicalId,
    ResourceType: type,
    ResourceStatus: status as StackEvent['ResourceStatus'],
    ResourceStatusReason: reason,
    Timestamp: new Date(Date.UTC(2026, 0, 1) + eventCounter),
  };
}

type CfnStub = AwsClientStub<CloudFormationClient>;

/**
 * The stack's event history, newest first, as DescribeStackEvents answers it: each operation's events are
 * added when the operation starts (ExecuteChangeSet, DeleteStack, ContinueUpdateRollback, CancelUpdateStack),
 * so the engine, which follows an operation by the events after the newest one it saw before starting it,
 * sees exactly that operation's. `running`: the first operation is already under way (someone else's): its
 * events appear after the first read. Each operation's events are given newest first.
 */
export function eventHistory(
  cfn: CfnStub,
  operations: StackEvent[][],
  options: { running?: boolean } = {},
): void {
  const pending = [...operations];
  let history: StackEvent[] = [];
  let reads = 0;
  const start = () => {
    const next = pending.shift();
    if (next) history = [...next, ...history];
    return {};
  };
  cfn.on(DescribeStackEventsCommand).callsFake(() => {
    reads++;
    if (options.running && reads === 2) start();
    return { StackEvents: history };
  });
  cfn.on(ExecuteChangeSetCommand).callsFake(start);
  cfn.on(DeleteStackCommand).callsFake(start);
  cfn.on(ContinueUpdateRollbackCommand).callsFake(start);
  cfn.on(CancelUpdateStackCommand).callsFake(start);
}

/** An Interaction that records what it was told (results and progress alike) and answers from a script. */
export class RecordingUi implements Interaction {
  readonly lines: string[] = [];
  readonly questions: string[] = [];
  readonly steps: string[] = [];
  private interruptListeners = new Set<() => void>();
  confirmAnswer = true;
  textAnswer = '';
  choices: string[] = [];
  /** Fire Ctrl-C at the start of the n-th step whose title matches. */
  interruptOn?: RegExp;

  constructor(
    readonly interactive = false,
    readonly yes = false,
  ) {}

  info(line: string): void {
    this.lines.push(line);
  }
  warn(line: string): void {
    this.lines.push(`WARN ${line}`);
  }
  result(line: string): void {
    this.lines.push(line);
  }
  async step<T>(title: string, run: (report: StepReport) => Promise<T>): Promise<T> {
    this.steps.push(title);
    const running = run({
      event: (l) => this.lines.push(`  ${l}`),
      rows: () => undefined,
      interrupted: (why) => this.lines.push(`STOPPED ${title}: ${why}`),
    });
    if (this.interruptOn?.test(title)) {
      // Ctrl-C while the first poll is in flight.
      this.interruptOn = undefined;
      for (const l of this.interruptListeners) l();
    }
    return running;
  }
  async confirm(message: string): Promise<boolean> {
    this.questions.push(message);
    return this.confirmAnswer;
  }
  async askText(message: string): Promise<string> {
    this.questions.push(message);
    return this.textAnswer;
  }
  async choose<T extends string>(message: string, choices: Array<{ value: T; name: string }>): Promise<T> {
    this.questions.push(message);
    const next = this.choices.shift();
    return (choices.find((c) => c.value === next) ?? choices[0])?.value as T;
  }
  onInterrupt(listener: () => void): () => void {
    this.interruptListeners.add(listener);
    return () => this.interruptListeners.delete(listener);
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** Sleeps that yield to the event loop but take no time. */
export const noSleep = (_ms: number, _signal?: AbortSignal) => new Promise<void>((r) => setImmediate(r));
