/**
 * What the real-account suite (test/real-aws) needs besides the scenario: running the built CLI against a
 * target, destroying whatever a run created, and finding what is left tagged with its run id. No vitest
 * import: the guard process (guard.ts) runs this outside vitest.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { APIGatewayClient, GetAccountCommand, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  paginateListRoles,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  paginateGetResources,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { emptyBucket } from '../../src/deploy/bucket-emptying.js';
import { stagingBucketName, TOOLKIT_STACK_NAME } from '../../src/stack-contract.js';
import { type CliResult, startCli } from '../helpers/cli.js';

/** The tag every resource of a run carries (init --tag), with the run id as its value. */
export const RUN_TAG_KEY = 'serverless-infra:test-run';

/** SDK client settings: the real account's defaults ({ region }) or the offline AWS's endpoint and keys. */
export interface SdkSettings {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle?: boolean;
}

/** Where a run happens, and how patient it is (seconds on AWS, nothing offline: see docs/testing.md). */
export interface RunTarget {
  region: string;
  /** Variables for the CLI: credentials or profile, endpoints offline. Added to a clean environment. */
  env: Record<string, string>;
  /**
   * The suite's own calls: the Tagging API; KMS (a deleted key waits out its pending window, still tagged);
   * CloudFormation, S3 and STS for the toolkit stack when the run created it.
   */
  clients: Record<'tagging' | 'kms' | 'cloudformation' | 's3' | 'sts' | 'iam' | 'apigateway', SdkSettings>;
  /** Pause between two looks at AWS (real: seconds; offline: none, fake time is driven by the test). */
  sleep: (ms: number) => Promise<void>;
  /** How many looks the leftover check takes before it reports (the Tagging API's index lags behind). */
  leftoverAttempts: number;
  /** How many times a destroy refused because the stack is busy is tried again. */
  busyAttempts: number;
  pollMs: number;
  log: (line: string) => void;
}

/** What the guard (and the suite) need to clean up after a run, also from another process. */
export interface RunHandle {
  runId: string;
  stackName: string;
  /** The project directory (serverless-infra.json, the handler). */
  dir: string;
  /**
   * The toolkit stack (the staging bucket every deploy of the account and region shares) did not exist
   * before the run: the run created it, so the cleanup deletes it, bucket and all.
   */
  ownsToolkit: boolean;
  /**
   * The CloudWatch role API Gateway's account setting named in the region before the run (null: none). The
   * stack points the setting at a role of its own, which `destroy` retains: the cleanup puts it back.
   */
  apiGatewayRoleBefore: string | null;
}

/** The run's CLI children, so that a signal can stop them before the cleanup starts. */
const running = new Set<ChildProcess>();

/** Runs the built binary in the run's directory with the target's environment; never throws on exit codes. */
export function runCli(
  target: Pick<RunTarget, 'env'>,
  dir: string,
  args: string[],
  options: { onSpawn?: (child: ChildProcess) => void } = {},
): Promise<CliResult> {
  const { child, done } = startCli(args, {
    cwd: dir,
    env: { CI: '1', NODE_NO_WARNINGS: '1', ...target.env },
  });
  running.add(child);
  options.onSpawn?.(child);
  return done.finally(() => running.delete(child));
}

/** Ctrl-C to every CLI the run started (a deploy detaches, a watch stops watching), and waits for them. */
export async function interruptRunningCli(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('close', () => resolve());
          child.kill('SIGINT');
          setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
        }),
    ),
  );
}

export interface Leftover {
  arn: string;
  /** Still there, or a KMS key waiting out its deletion window (gone for every purpose but the tag index). */
  state: 'present' | 'pending-deletion';
}

/** Every resource of the region still tagged with the run id, as the Tagging API lists it (all pages). */
export async function taggedWithRun(target: Pick<RunTarget, 'clients'>, runId: string) {
  const tagging = new ResourceGroupsTaggingAPIClient({ ...target.clients.tagging, maxAttempts: 5 });
  const kms = new KMSClient({ ...target.clients.kms, maxAttempts: 5 });
  const found: Leftover[] = [];
  const pages = paginateGetResources(
    { client: tagging },
    { TagFilters: [{ Key: RUN_TAG_KEY, Values: [runId] }] },
  );
  for await (const page of pages) {
    for (const mapping of page.ResourceTagMappingList ?? []) {
      const arn = mapping.ResourceARN ?? '';
      found.push({ arn, state: (await pendingDeletion(kms, arn)) ? 'pending-deletion' : 'present' });
    }
  }
  return found;
}

/**
 * A deleted KMS key is not deleted at once: it waits 7-30 days in PendingDeletion (CloudFormation's
 * AWS::KMS::Key PendingWindowInDays, default 30) and keeps its tags meanwhile. It can no longer be used.
 */
async function pendingDeletion(kms: KMSClient, arn: string): Promise<boolean> {
  if (!/^arn:aws[a-z-]*:kms:[^:]+:\d+:key\//.test(arn)) return false;
  try {
    const key = await kms.send(new DescribeKeyCommand({ KeyId: arn }));
    return key.KeyMetadata?.KeyState === 'PendingDeletion';
  } catch (error) {
    if ((error as Error).name === 'NotFoundException') return true;
    throw error;
  }
}

/**
 * The leftover check: looks until nothing but keys pending deletion is tagged with the run id, at most
 * `leftoverAttempts` times (the Tagging API's index follows deletions with a delay).
 */
export async function leftovers(target: RunTarget, runId: string): Promise<Leftover[]> {
  let found: Leftover[] = [];
  for (let attempt = 1; attempt <= target.leftoverAttempts; attempt++) {
    found = await taggedWithRun(target, runId);
    if (found.every((r) => r.state === 'pending-deletion')) return found;
    if (attempt < target.leftoverAttempts) {
      target.log(
        `${found.filter((r) => r.state === 'present').length} resource(s) still tagged; looking again`,
      );
      await target.sleep(target.pollMs);
    }
  }
  return found;
}

/** Whether the toolkit stack exists in the target's account and region (before the run: who owns it). */
export async function toolkitExists(target: Pick<RunTarget, 'clients'>): Promise<boolean> {
  const cfn = new CloudFormationClient({ ...target.clients.cloudformation, maxAttempts: 5 });
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: TOOLKIT_STACK_NAME }));
    return (Stacks ?? []).some((s) => s.StackStatus !== 'DELETE_COMPLETE');
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) return false;
    throw error;
  }
}

/**
 * Deletes the toolkit stack the run created, then its staging bucket (DeletionPolicy Retain: CloudFormation
 * keeps it), emptied of every object version first.
 */
async function removeToolkit(target: RunTarget): Promise<string> {
  const cfn = new CloudFormationClient({ ...target.clients.cloudformation, maxAttempts: 5 });
  await cfn.send(new DeleteStackCommand({ StackName: TOOLKIT_STACK_NAME }));
  for (let attempt = 1; (await toolkitExists(target)) && attempt <= target.busyAttempts; attempt++)
    await target.sleep(target.pollMs);
  const sts = new STSClient({ ...target.clients.sts, maxAttempts: 5 });
  const { Account } = await sts.send(new GetCallerIdentityCommand({}));
  const bucket = stagingBucketName(Account ?? '', target.region);
  const s3 = new S3Client({ ...target.clients.s3, maxAttempts: 5 });
  await emptyBucket(s3, bucket);
  try {
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as Error).name !== 'NoSuchBucket') throw error;
  }
  return bucket;
}

/** The role API Gateway's account setting names in the target's region (null: none). */
export async function apiGatewayLogRole(target: Pick<RunTarget, 'clients'>): Promise<string | null> {
  const apigateway = new APIGatewayClient({ ...target.clients.apigateway, maxAttempts: 5 });
  return (await apigateway.send(new GetAccountCommand({}))).cloudwatchRoleArn || null;
}

/**
 * IAM roles of the run that CloudFormation kept: the stack's API Gateway logging role has DeletionPolicy
 * Retain (the region's API Gateway setting names it). The Tagging API does not list IAM roles ("The
 * GetResources operation does not currently support IAM users and roles"), so they are found by name
 * (CloudFormation names a role <stack name>-<logical id>-<suffix>) and confirmed by the run tag. The setting
 * goes back to the role it named before the run, then each role's policies and the role are deleted.
 */
export async function removeRetainedRoles(target: RunTarget, run: RunHandle): Promise<string[]> {
  const iam = new IAMClient({ ...target.clients.iam, maxAttempts: 5 });
  const removed: string[] = [];
  for await (const page of paginateListRoles({ client: iam }, {})) {
    for (const role of page.Roles ?? []) {
      const name = role.RoleName ?? '';
      if (!name.startsWith(`${run.stackName}-`)) continue;
      const { Tags } = await iam.send(new ListRoleTagsCommand({ RoleName: name }));
      if (!Tags?.some((t) => t.Key === RUN_TAG_KEY && t.Value === run.runId)) continue;
      if ((await apiGatewayLogRole(target)) === role.Arn) {
        const apigateway = new APIGatewayClient({ ...target.clients.apigateway, maxAttempts: 5 });
        await apigateway.send(
          new UpdateAccountCommand({
            patchOperations: [
              { op: 'replace', path: '/cloudwatchRoleArn', value: run.apiGatewayRoleBefore ?? '' },
            ],
          }),
        );
        target.log(`cleanup: API Gateway's CloudWatch role is ${run.apiGatewayRoleBefore ?? 'unset'} again`);
      }
      const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: name }));
      for (const policy of inline.PolicyNames ?? [])
        await iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policy }));
      const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
      for (const policy of attached.AttachedPolicies ?? [])
        await iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: policy.PolicyArn }));
      await iam.send(new DeleteRoleCommand({ RoleName: name }));
      removed.push(name);
    }
  }
  return removed;
}

export interface CleanupReport {
  /** What `destroy --json` answered last (absent: there was nothing to destroy). */
  destroy: Record<string, unknown> | undefined;
  /** Shifts stopped first: destroy refuses while one is in flight. */
  rolledBack: boolean;
  /** The staging bucket of the toolkit stack the run created and deleted. */
  toolkitRemoved?: string;
  /** Roles of the run that destroy retained (IAM: not in the Tagging API), deleted. */
  rolesRemoved: string[];
  leftovers: Leftover[];
  problems: string[];
}

/**
 * Destroys what the run created, whatever state it was left in: stops a shift in flight (destroy refuses
 * to race it), waits out a busy stack, deletes the stack, then looks for anything left tagged with the run
 * id. Idempotent: after the scenario's own destroy it finds the stack absent. Never throws: every problem
 * is in the report, so that the caller can still report the original failure.
 */
export async function cleanUp(target: RunTarget, run: RunHandle): Promise<CleanupReport> {
  const report: CleanupReport = {
    destroy: undefined,
    rolledBack: false,
    rolesRemoved: [],
    leftovers: [],
    problems: [],
  };
  try {
    if (existsSync(path.join(run.dir, 'serverless-infra.json'))) {
      for (let attempt = 1; attempt <= target.busyAttempts; attempt++) {
        const destroy = await runCli(target, run.dir, ['destroy', '--yes', '--json']);
        if (destroy.code === 0) {
          report.destroy = JSON.parse(destroy.stdout);
          break;
        }
        if (/traffic shift is in flight/.test(destroy.stderr) && !report.rolledBack) {
          target.log(`cleanup: a shift is in flight on ${run.stackName}: rolling it back first`);
          const rollback = await runCli(target, run.dir, ['rollback', '--yes', '--json']);
          report.rolledBack = true;
          if (rollback.code !== 0)
            report.problems.push(`rollback exited ${rollback.code}: ${rollback.stderr}`);
          continue;
        }
        if (attempt === target.busyAttempts) {
          report.problems.push(`destroy exited ${destroy.code}: ${destroy.stderr.trim()}`);
          break;
        }
        target.log(`cleanup: destroy refused (${firstLine(destroy.stderr)}); trying again`);
        await target.sleep(target.pollMs);
      }
    }
    if (!report.problems.some((p) => p.startsWith('destroy')))
      report.rolesRemoved = await removeRetainedRoles(target, run);
    if (run.ownsToolkit && (await toolkitExists(target))) report.toolkitRemoved = await removeToolkit(target);
    report.leftovers = await leftovers(target, run.runId);
    const present = report.leftovers.filter((r) => r.state === 'present');
    if (present.length > 0)
      report.problems.push(
        `still tagged ${RUN_TAG_KEY}=${run.runId}:\n  ${present.map((r) => r.arn).join('\n  ')}`,
      );
  } catch (error) {
    report.problems.push(`cleanup failed: ${(error as Error).stack ?? String(error)}`);
  }
  return report;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
