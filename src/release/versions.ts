import { GetAliasCommand, type LambdaClient, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';

/** Published versions of the function, oldest first ($LATEST left out), through every page. */
export async function listVersions(lambda: LambdaClient, functionName: string): Promise<string[]> {
  const versions: string[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker, MaxItems: 50 }),
    );
    for (const v of page.Versions ?? []) if (v.Version && v.Version !== '$LATEST') versions.push(v.Version);
    marker = page.NextMarker;
  } while (marker);
  return versions.sort((a, b) => Number(a) - Number(b));
}

export function newestVersion(versions: readonly string[]): string | undefined {
  return versions.at(-1);
}

/** What the alias serves: its main version and, while a shift runs, the share of each version in percent. */
export interface AliasTraffic {
  version: string;
  /** Percent of traffic per version (sums to 100). */
  percent: Record<string, number>;
}

export async function getAliasTraffic(
  lambda: LambdaClient,
  functionName: string,
  aliasName: string,
): Promise<AliasTraffic> {
  const alias = await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: aliasName }));
  return aliasTraffic(alias.FunctionVersion ?? '', alias.RoutingConfig?.AdditionalVersionWeights);
}

/** Alias weights are fractions of the additional versions; the main version gets the rest. */
export function aliasTraffic(version: string, additional: Record<string, number> | undefined): AliasTraffic {
  const percent: Record<string, number> = {};
  let rest = 100;
  for (const [v, weight] of Object.entries(additional ?? {})) {
    const p = roundPercent(weight * 100);
    percent[v] = p;
    rest -= p;
  }
  percent[version] = roundPercent(rest + (percent[version] ?? 0));
  return { version, percent };
}

/** Serves exactly one version, with nothing routed elsewhere. */
export function servesOnly(traffic: AliasTraffic, version: string): boolean {
  return traffic.version === version && (traffic.percent[version] ?? 0) >= 100;
}

export function roundPercent(value: number): number {
  return Math.round(value * 100) / 100;
}
