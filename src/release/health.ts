import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';

/**
 * Each version's health behind the alias, from Lambda's own metrics: invocations of an alias are counted per
 * version under the dimensions FunctionName, Resource (`function:alias`) and ExecutedVersion ("Types of
 * metrics for Lambda functions", Lambda developer guide: ExecutedVersion applies to alias invocations). One
 * GetMetricData call reads every series of every version: Invocations and Errors (Sum), Duration p50 and p99.
 */
export interface VersionHealth {
  version: string;
  /** Invocations in the window. */
  requests: number;
  errors: number;
  /** errors / requests; null without requests. */
  errorRate: number | null;
  /** Duration percentiles (ms) over the window; null without requests. */
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface HealthWindow {
  /** AWS's time of the window's end (the answer's Date header). */
  endMs: number;
  minutes: number;
}

/** The window every reading covers: the last five minutes, in whole minutes (Lambda's metrics' resolution). */
export const HEALTH_WINDOW_MINUTES = 5;

const MINUTE = 60_000;

export function healthQueries(
  functionName: string,
  alias: string,
  versions: readonly string[],
  periodSeconds: number,
): MetricDataQuery[] {
  return versions.flatMap((version, index) => {
    const metric = (MetricName: string) => ({
      Namespace: 'AWS/Lambda',
      MetricName,
      Dimensions: [
        { Name: 'FunctionName', Value: functionName },
        { Name: 'Resource', Value: `${functionName}:${alias}` },
        { Name: 'ExecutedVersion', Value: version },
      ],
    });
    const query = (id: string, MetricName: string, Stat: string): MetricDataQuery => ({
      Id: `v${index}${id}`,
      MetricStat: { Metric: metric(MetricName), Period: periodSeconds, Stat },
      ReturnData: true,
    });
    return [
      query('requests', 'Invocations', 'Sum'),
      query('errors', 'Errors', 'Sum'),
      query('p50', 'Duration', 'p50'),
      query('p99', 'Duration', 'p99'),
    ];
  });
}

/** One GetMetricData call: each version's requests, errors and p50/p99 duration over the window. */
export async function readVersionHealth(
  cloudwatch: CloudWatchClient,
  target: { functionName: string; alias: string },
  versions: readonly string[],
  window: HealthWindow,
): Promise<VersionHealth[]> {
  const unique = [...new Set(versions)];
  if (unique.length === 0) return [];
  // Whole minutes, the last one included: one period over the whole window, so the percentiles are the window's.
  const end = Math.ceil(window.endMs / MINUTE) * MINUTE;
  const start = end - window.minutes * MINUTE;
  const answer = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(start),
      EndTime: new Date(end),
      MetricDataQueries: healthQueries(target.functionName, target.alias, unique, window.minutes * 60),
    }),
  );
  const values = new Map((answer.MetricDataResults ?? []).map((r) => [r.Id ?? '', r.Values ?? []]));
  const sum = (id: string) => (values.get(id) ?? []).reduce((a, b) => a + b, 0);
  const first = (id: string) => {
    const found = values.get(id)?.find((v) => Number.isFinite(v));
    return found === undefined ? null : Math.round(found * 10) / 10;
  };
  return unique.map((version, index) => {
    const requests = sum(`v${index}requests`);
    const errors = sum(`v${index}errors`);
    return {
      version,
      requests,
      errors,
      errorRate: requests > 0 ? errors / requests : null,
      p50Ms: requests > 0 ? first(`v${index}p50`) : null,
      p99Ms: requests > 0 ? first(`v${index}p99`) : null,
    };
  });
}
