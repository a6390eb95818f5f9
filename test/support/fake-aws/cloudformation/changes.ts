import { validationError } from '../errors.js';
import type { Params } from '../protocols.js';
import { recreation, replacingProperties } from './resources.js';
import {
  baseContext,
  type ChangeSet,
  type CloudFormationContext,
  changedKeys,
  type Desired,
  desiredOf,
  equal,
  type ResourceState,
  type Stack,
} from './stack.js';
import {
  activeResources,
  evaluate,
  type Json,
  referencedResources,
  symbolicContext,
  type Template,
} from './template.js';

/**
 * A change set's diff: both templates evaluated with references left symbolic, compared resource by
 * resource (Add/Modify/Remove, Replacement True/False/Conditional and the details that cause it).
 */
export const EMPTY_CHANGE_SET_REASON =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

export type Symbolic = Map<
  string,
  {
    type: string;
    properties: Json;
    raw: Json;
    deps: string[];
    deletionPolicy?: string;
    updateReplacePolicy?: string;
  }
>;

/** Each active resource's properties with references left symbolic, and its dependencies. */
export function symbolicResources(ctx: CloudFormationContext, desired: Desired, stackName: string): Symbolic {
  const evalCtx = symbolicContext(baseContext(ctx, desired, stackName));
  const active = activeResources(desired.template, evalCtx);
  const result: Symbolic = new Map();
  for (const id of active) {
    const definition = desired.template.Resources[id] as Template['Resources'][string];
    const properties = evaluate(definition.Properties ?? {}, evalCtx);
    const dependsOn = definition.DependsOn === undefined ? [] : [definition.DependsOn].flat();
    for (const dep of dependsOn) {
      if (!(dep in desired.template.Resources)) {
        throw validationError(
          `Template format error: Unresolved resource dependencies [${dep}] in the Resources block of the template`,
        );
      }
    }
    const deps = [...new Set([...referencedResources(properties), ...dependsOn])].filter((d) =>
      active.includes(d),
    );
    const policy = (value: Json) => (value === undefined ? undefined : String(evaluate(value, evalCtx)));
    result.set(id, {
      type: definition.Type,
      properties,
      raw: definition.Properties ?? {},
      deps,
      deletionPolicy: policy(definition.DeletionPolicy),
      updateReplacePolicy: policy(definition.UpdateReplacePolicy),
    });
  }
  detectCycle(result);
  return result;
}

function symbolicOutputs(ctx: CloudFormationContext, desired: Desired, stackName: string): Json {
  const evalCtx = symbolicContext(baseContext(ctx, desired, stackName));
  return evaluate(desired.template.Outputs ?? {}, evalCtx);
}

/**
 * Computes a change set against its stack as it is now: its changes, and whether it is executable or
 * FAILED for changing nothing (resources, tags and outputs all the same).
 */
export function computeChangeSet(
  ctx: CloudFormationContext,
  stack: Stack,
  cs: ChangeSet,
  next: Symbolic,
): void {
  const current = cs.type === 'UPDATE' && stack.template ? desiredOf(stack) : undefined;
  const old = current ? symbolicResources(ctx, current, stack.stackName) : undefined;
  cs.changes = computeChanges(old, next, stack);
  const tagsChanged = cs.type === 'UPDATE' && !equal(cs.tags, stack.tags);
  const outputsChanged =
    cs.type === 'UPDATE' &&
    !equal(
      symbolicOutputs(ctx, { template: cs.template, parameters: cs.parameters }, stack.stackName),
      current ? symbolicOutputs(ctx, current, stack.stackName) : {},
    );
  if (cs.type === 'UPDATE' && cs.changes.length === 0 && !tagsChanged && !outputsChanged) {
    cs.status = 'FAILED';
    cs.statusReason = EMPTY_CHANGE_SET_REASON;
  } else {
    cs.status = 'CREATE_COMPLETE';
    cs.executionStatus = 'AVAILABLE';
  }
}

function detectCycle(resources: Map<string, { deps: string[] }>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      throw validationError(`Circular dependency between resources: [${path.join(', ')}]`);
    }
    state.set(id, 'visiting');
    for (const dep of resources.get(id)?.deps ?? []) visit(dep, [...path, dep]);
    state.set(id, 'done');
  };
  for (const id of resources.keys()) visit(id, [id]);
}

/** Same template text, different value: a parameter changed it (and which one). */
function changeSource(before: Json, after: Json): Params {
  if (!equal(before, after)) return { ChangeSource: 'DirectModification' };
  const text = JSON.stringify(after ?? null);
  const parameter = /"Ref":"([^"]+)"/.exec(text)?.[1] ?? /\$\{([A-Za-z0-9]+)\}/.exec(text)?.[1];
  return { ChangeSource: 'ParameterReference', ...(parameter ? { CausingEntity: parameter } : {}) };
}

/**
 * What executing the change set does to the physical resource (ResourceChange.PolicyAction, API reference):
 * removed -> Delete/Retain/Snapshot by DeletionPolicy (recorded: Delete, stack-events-create-update-delete.json);
 * replaced -> ReplaceAndDelete/ReplaceAndRetain/ReplaceAndSnapshot by UpdateReplacePolicy (recorded:
 * ReplaceAndDelete, change-set-replacement-true.json).
 */
function removePolicyAction(policy: string | undefined): string {
  if (policy === 'Retain' || policy === 'RetainExceptOnCreate') return 'Retain';
  return policy === 'Snapshot' ? 'Snapshot' : 'Delete';
}

function replacePolicyAction(policy: string | undefined): string {
  if (policy === 'Retain') return 'ReplaceAndRetain';
  return policy === 'Snapshot' ? 'ReplaceAndSnapshot' : 'ReplaceAndDelete';
}

/** The change set's per-resource changes: Add/Modify/Remove, with Replacement and the causing details. */
export function computeChanges(
  old: Symbolic | undefined,
  next: Symbolic,
  stack: { resources: Map<string, ResourceState> },
): Params[] {
  const changes = new Map<string, Params>();
  for (const [id, entry] of next) {
    const before = old?.get(id);
    if (!before) {
      changes.set(id, {
        Action: 'Add',
        LogicalResourceId: id,
        ResourceType: entry.type,
        Scope: [],
        Details: [],
      });
      continue;
    }
    const keys = changedKeys(before.properties, entry.properties);
    if (keys.length === 0 && before.type === entry.type) continue;
    const requires = (key: string) => (before.type !== entry.type ? 'Always' : recreation(entry.type, key));
    const levels = keys.map(requires);
    const replacement =
      levels.includes('Always') || before.type !== entry.type
        ? 'True'
        : levels.includes('Conditionally')
          ? 'Conditional'
          : 'False';
    changes.set(id, {
      Action: 'Modify',
      LogicalResourceId: id,
      PhysicalResourceId: stack.resources.get(id)?.physicalId,
      ResourceType: entry.type,
      Replacement: replacement,
      ...(replacement === 'True' ? { PolicyAction: replacePolicyAction(entry.updateReplacePolicy) } : {}),
      // Tags first, as AWS lists them (user guide, change set examples).
      Scope: keys.every((k) => k === 'Tags')
        ? ['Tags']
        : keys.includes('Tags')
          ? ['Tags', 'Properties']
          : ['Properties'],
      Details: keys.flatMap((key) => {
        const Target = {
          Attribute: key === 'Tags' ? 'Tags' : 'Properties',
          ...(key === 'Tags' ? {} : { Name: key }),
          RequiresRecreation: requires(key),
        };
        const source = changeSource(before.raw?.[key], entry.raw?.[key]);
        // A parameter's new value is listed twice: the parameter (Static, ParameterReference) and the
        // property it changes (Dynamic, DirectModification). Recorded: change-set-replacement-true.json;
        // documented: "…always result in two changes" (user guide, change set examples).
        return source.ChangeSource === 'ParameterReference'
          ? [
              { Target, Evaluation: 'Static', ...source },
              { Target, Evaluation: 'Dynamic', ChangeSource: 'DirectModification' },
            ]
          : [{ Target, Evaluation: 'Static', ...source }];
      }),
    });
  }
  // A replaced resource gets a new physical id: whatever refers to it may change (Conditional).
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, entry] of next) {
      const change = changes.get(id);
      if (change?.Action === 'Add' || !old?.has(id)) continue;
      for (const dep of entry.deps) {
        const cause = changes.get(dep);
        if (!cause || (cause.Replacement !== 'True' && cause.Replacement !== 'Conditional')) continue;
        const keys = Object.keys(entry.properties).filter((k) =>
          referencedResources(entry.properties[k]).has(dep),
        );
        if (keys.length === 0) continue;
        const replacing = replacingProperties(entry.type, keys);
        const details = keys.map((key) => ({
          Target: {
            Attribute: 'Properties',
            Name: key,
            RequiresRecreation: replacing.includes(key) ? 'Conditionally' : 'Never',
          },
          Evaluation: 'Dynamic',
          ChangeSource: 'ResourceReference',
          CausingEntity: dep,
        }));
        if (!change) {
          changes.set(id, {
            Action: 'Modify',
            LogicalResourceId: id,
            PhysicalResourceId: stack.resources.get(id)?.physicalId,
            ResourceType: entry.type,
            Replacement: replacing.length > 0 ? 'Conditional' : 'False',
            Scope: ['Properties'],
            Details: details,
          });
          grew = true;
        } else if (!change.Details.some((d: Params) => d.CausingEntity === dep)) {
          change.Details.push(...details);
          if (replacing.length > 0 && change.Replacement === 'False') change.Replacement = 'Conditional';
          grew = true;
        }
      }
    }
  }
  for (const [id, entry] of old ?? []) {
    if (!next.has(id)) {
      changes.set(id, {
        Action: 'Remove',
        LogicalResourceId: id,
        PhysicalResourceId: stack.resources.get(id)?.physicalId,
        PolicyAction: removePolicyAction(entry.deletionPolicy),
        ResourceType: entry.type,
        Scope: [],
        Details: [],
      });
    }
  }
  return [...changes.values()].map((change) => ({
    Type: 'Resource',
    ResourceChange: Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
  }));
}
