import type { Stack } from '@aws-sdk/client-cloudformation';
import type { StackSource } from './stack-source.js';

/** Why the deployed stack differs from what we would deploy (empty: nothing to do). */
export function differences(
  source: StackSource,
  parameters: Record<string, string>,
  stack: Stack,
  deployedTemplateBody: string | undefined,
  /** The deployed parameters as the application reads them (default: as CloudFormation returns them). */
  deployed: Record<string, string> = deployedParameters(stack),
): string[] {
  const reasons: string[] = [];
  if (!sameTemplate(source.template, deployedTemplateBody)) reasons.push('template');
  if (!sameMap(desiredParameters(source, parameters), deployed)) reasons.push('parameters');
  const tags = Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  if (!sameMap(source.tags, tags)) reasons.push('tags');
  if ((stack.EnableTerminationProtection ?? false) !== source.terminationProtection) {
    reasons.push('termination protection');
  }
  return reasons;
}

function sameTemplate(template: unknown, deployed: string | undefined): boolean {
  if (deployed === undefined) return false;
  try {
    return canonical(template) === canonical(JSON.parse(deployed));
  } catch {
    return false; // YAML or not ours: not provably equal
  }
}

/** What CloudFormation will hold for each template parameter: the value we pass, or its default. */
function desiredParameters(source: StackSource, parameters: Record<string, string>): Record<string, string> {
  const declared = (source.template.Parameters ?? {}) as Record<string, { Default?: unknown }>;
  const desired: Record<string, string> = {};
  for (const [key, declaration] of Object.entries(declared)) {
    const value = parameters[key] ?? declaration.Default;
    desired[key] = value === undefined ? '' : String(value);
  }
  return desired;
}

export function deployedParameters(stack: Stack): Record<string, string> {
  return Object.fromEntries(
    (stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? '']),
  );
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

/** JSON with sorted keys, so key order does not count as a change. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
