import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';

export interface AlarmState {
  name: string;
  /** OK, ALARM or INSUFFICIENT_DATA; MISSING when the group names an alarm that does not exist. */
  state: string;
}

/** One DescribeAlarms call for all the group's alarms (metric and composite), in the group's order. */
export async function describeAlarms(
  cloudwatch: CloudWatchClient,
  names: readonly string[],
): Promise<AlarmState[]> {
  if (names.length === 0) return [];
  const found = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await cloudwatch.send(
      new DescribeAlarmsCommand({
        AlarmNames: [...names],
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        NextToken: nextToken,
      }),
    );
    for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      if (a.AlarmName) found.set(a.AlarmName, a.StateValue ?? 'INSUFFICIENT_DATA');
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return names.map((name) => ({ name, state: found.get(name) ?? 'MISSING' }));
}

export function firing(alarms: readonly AlarmState[]): AlarmState[] {
  return alarms.filter((a) => a.state === 'ALARM');
}
