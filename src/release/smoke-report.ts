import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';

/**
 * What the smoke-test hook did in one deployment, read back from its log group: CodeDeploy keeps only a
 * lifecycle event's status (PutLifecycleEventHookExecutionStatus takes no reason), so the hook logs each step
 * and its reason as JSON lines carrying the deployment id (src/runtime/smoke-hook.ts).
 */
export interface SmokeStep {
  /** The lifecycle event it ran in: BeforeAllowTraffic or AfterAllowTraffic. */
  event: string;
  step: string;
  passed: boolean;
  /** What it saw ("200, 0 item(s)") or why it failed. */
  detail?: string | undefined;
}

export interface SmokeResult {
  event: string;
  status: 'Succeeded' | 'Failed';
  reason?: string | undefined;
}

export interface SmokeReport {
  steps: SmokeStep[];
  /** One per hook run that has finished logging (the hook's last line). */
  results: SmokeResult[];
}

interface HookLine {
  message?: unknown;
  deploymentId?: unknown;
  lifecycleEvent?: unknown;
  step?: unknown;
  detail?: unknown;
  reason?: unknown;
}

/** The report from the hook's log lines (any order; lines of other deployments are ignored). */
export function parseSmokeReport(messages: readonly string[], deploymentId: string): SmokeReport {
  const report: SmokeReport = { steps: [], results: [] };
  for (const message of messages) {
    const start = message.indexOf('{');
    if (start < 0) continue;
    let line: HookLine;
    try {
      line = JSON.parse(message.slice(start)) as HookLine;
    } catch {
      continue;
    }
    if (line.deploymentId !== deploymentId) continue;
    const event = String(line.lifecycleEvent ?? 'unknown');
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    if (line.message === 'smoke step passed' || line.message === 'smoke step failed') {
      const passed = line.message === 'smoke step passed';
      report.steps.push({
        event,
        step: String(line.step ?? '?'),
        passed,
        detail: passed ? text(line.detail) : text(line.reason),
      });
    } else if (line.message === 'smoke test Succeeded' || line.message === 'smoke test Failed') {
      report.results.push({
        event,
        status: line.message === 'smoke test Succeeded' ? 'Succeeded' : 'Failed',
        reason: text(line.reason),
      });
    }
  }
  return report;
}

/** One FilterLogEvents call: the hook's lines about this deployment since it was created (AWS's time). */
export async function readSmokeReport(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  deploymentId: string,
  sinceMs: number,
): Promise<SmokeReport> {
  const answer = await logs.send(
    new FilterLogEventsCommand({
      logGroupName,
      // A quoted term matches it anywhere in the event (filter pattern syntax, CloudWatch Logs).
      filterPattern: `"${deploymentId}"`,
      startTime: Math.max(0, Math.floor(sinceMs)),
      limit: 100,
    }),
  );
  return parseSmokeReport(
    (answer.events ?? []).map((e) => e.message ?? ''),
    deploymentId,
  );
}

/** The reason the smoke test gave for failing, if it failed. */
export function smokeFailure(report: SmokeReport | undefined): SmokeResult | undefined {
  return report?.results.find((r) => r.status === 'Failed');
}
