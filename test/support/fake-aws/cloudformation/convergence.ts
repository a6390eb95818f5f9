import { symbolicResources } from './changes.js';
import {
  CUSTOM_NAME,
  createResource,
  deleteResource,
  type ProvisionContext,
  ResourceFailure,
  replacingProperties,
  updateResource,
} from './resources.js';
import {
  type CloudFormationContext,
  changedKeys,
  type Desired,
  desiredOf,
  equal,
  type ResourceState,
  type Runner,
  resourceEvent,
  type Stack,
  stackContext,
} from './stack.js';
import { conditionHolds, type EvalContext, evaluate, type Json, type Template } from './template.js';

/**
 * Convergence: bringing a stack's resources to a template. Resources are created, updated or replaced in
 * dependency order (deleted in reverse), each taking its time on the fake clock, provisioned where they
 * live (moto, the fake's Lambda and CodeDeploy), with their events; a failure cancels the siblings.
 */
const DEFAULT_RESOURCE_MS = 2000;

export type ConvergeMode = 'forward' | 'rollback';

export class Convergence {
  constructor(private readonly ctx: CloudFormationContext) {}

  /**
   * Creates/updates/replaces the desired resources in dependency order; each takes its duration on the
   * clock. A failure cancels the siblings in progress and reports the failed logical ids.
   */
  converge(
    stack: Stack,
    desired: Desired,
    mode: ConvergeMode,
    skip: Set<string>,
    finish: (failed: string[], cancelled: boolean) => void,
  ): Runner {
    const { clock } = this.ctx;
    const symbolic = symbolicResources(this.ctx, desired, stack.stackName);
    const evalCtx = stackContext(this.ctx, stack, desired);
    const settled = new Set<string>();
    const started = new Set<string>();
    const inFlight = new Map<string, 'create' | 'update'>();
    const failed: string[] = [];
    let over = false;

    const end = (cancelReason?: string) => {
      if (over) return;
      over = true;
      for (const [id, kind] of inFlight) {
        const resource = stack.resources.get(id);
        if (!resource) continue;
        const status = kind === 'create' ? 'CREATE_FAILED' : 'UPDATE_FAILED';
        const reason =
          cancelReason ?? (kind === 'create' ? 'Resource creation cancelled' : 'Resource update cancelled');
        resourceEvent(this.ctx, stack, resource, status, reason);
        if (cancelReason) failed.push(id);
      }
      inFlight.clear();
      finish(failed, cancelReason !== undefined);
    };

    const startReady = () => {
      // Resources that need no change settle at once and may free others: repeat until nothing starts.
      let progressed = true;
      while (progressed && !over) {
        progressed = false;
        for (const [id, entry] of symbolic) {
          if (over) return;
          if (started.has(id) || !entry.deps.every((d) => settled.has(d))) continue;
          started.add(id);
          progressed = true;
          this.#step(stack, id, entry, desired, evalCtx, mode, skip, {
            inFlight,
            isOver: () => over,
            settle: () => {
              settled.add(id);
              inFlight.delete(id);
            },
            fail: () => {
              inFlight.delete(id);
              failed.push(id);
              end();
            },
            next: () => startReady(),
          });
        }
      }
      if (!over && settled.size === symbolic.size) end();
    };
    clock.schedule(0, startReady);
    return { cancel: (reason) => end(reason) };
  }

  /** Deletes resources, dependents first; Retain leaves them (DELETE_SKIPPED). */
  cleanup(
    stack: Stack,
    toDelete: ResourceState[],
    mode: 'forward' | 'rollback' | 'delete',
    retain: Set<string>,
    finish: (failed: string[]) => void,
  ): void {
    const { clock, faults } = this.ctx;
    const pending = new Set(toDelete);
    const failed: string[] = [];
    const blocked = (r: ResourceState) =>
      [...pending].some(
        (other) => other !== r && other.deps.includes(r.logicalId) && other.logicalId !== r.logicalId,
      );
    const started = new Set<ResourceState>();
    const startReady = () => {
      // A resource removed at once (retained, never created) may free others: repeat until nothing moves.
      for (;;) {
        const before = started.size;
        // Records from two templates (a replaced resource and its successor) could wait on each other:
        // when nothing can start and nothing runs, the rest goes anyway.
        const running = [...pending].some((r) => started.has(r));
        const free = [...pending].filter((r) => !started.has(r) && !blocked(r));
        const force = !running && free.length === 0;
        for (const resource of [...pending]) {
          if (started.has(resource) || (!force && blocked(resource))) continue;
          started.add(resource);
          const isOrphan = stack.orphans.includes(resource);
          const policy = isOrphan ? resource.updateReplacePolicy : resource.deletionPolicy;
          const remove = () => {
            pending.delete(resource);
            if (isOrphan) stack.orphans = stack.orphans.filter((o) => o !== resource);
            else if (stack.resources.get(resource.logicalId) === resource)
              stack.resources.delete(resource.logicalId);
          };
          const properties = resource.properties;
          if (
            retain.has(resource.logicalId) ||
            ((policy === 'Retain' || policy === 'RetainExceptOnCreate') &&
              resource.physicalId &&
              mode !== 'rollback')
          ) {
            resourceEvent(this.ctx, stack, resource, 'DELETE_SKIPPED', undefined, properties);
            remove();
            continue;
          }
          // A resource whose create failed has no physical resource, but its delete is still attempted (and
          // can fail: recorded, stack-events-delete-skipped.json).
          resourceEvent(this.ctx, stack, resource, 'DELETE_IN_PROGRESS', undefined, properties);
          clock.schedule(this.#durationOf(resource.logicalId, resource.type) / 2, async () => {
            const fault = faults.takeResourceFailure(
              resource.logicalId,
              mode === 'rollback' ? 'rollback' : 'delete',
            );
            try {
              if (fault) throw new ResourceFailure(fault);
              if (resource.physicalId)
                await deleteResource(
                  this.#provisionContext(stack),
                  resource.type,
                  resource.physicalId as string,
                  resource.properties,
                );
              resourceEvent(this.ctx, stack, resource, 'DELETE_COMPLETE', undefined, properties);
              remove();
            } catch (error) {
              resourceEvent(this.ctx, stack, resource, 'DELETE_FAILED', failureReason(error), properties);
              pending.delete(resource);
              failed.push(resource.logicalId);
            }
            startReady();
            if (pending.size === 0) finish(failed);
          });
        }
        if (started.size === before) return;
      }
    };
    clock.schedule(0, () => {
      startReady();
      if (pending.size === 0) finish(failed);
    });
  }

  /** The stack's outputs, evaluated against its resources as they are now. */
  computeOutputs(stack: Stack): void {
    const desired = desiredOf(stack);
    const evalCtx = stackContext(this.ctx, stack, desired);
    stack.outputs = Object.entries(desired.template.Outputs ?? {})
      .filter(([, output]) => !output.Condition || conditionHolds(output.Condition, evalCtx))
      .map(([key, output]) => {
        const value = evaluate(output.Value, evalCtx);
        return {
          OutputKey: key,
          OutputValue: Array.isArray(value) ? value.join(',') : String(value),
          ...(output.Description ? { Description: output.Description } : {}),
          ...(output.Export ? { ExportName: String(evaluate(output.Export.Name, evalCtx)) } : {}),
        };
      });
  }

  #durationOf(logicalId: string, type: string): number {
    const { faults, resourceDurations } = this.ctx;
    return (
      faults.durationFor(logicalId, type) ??
      resourceDurations[type] ??
      resourceDurations.default ??
      DEFAULT_RESOURCE_MS
    );
  }

  #provisionContext(stack: Stack): ProvisionContext {
    const autoDeleteBuckets = new Set<string>();
    for (const r of stack.resources.values()) {
      if (r.type === 'Custom::S3AutoDeleteObjects' && r.properties.BucketName)
        autoDeleteBuckets.add(String(r.properties.BucketName));
    }
    return {
      stackName: stack.stackName,
      region: this.ctx.region,
      accountId: this.ctx.accountId,
      lambda: this.ctx.lambda,
      codedeploy: this.ctx.codedeploy,
      moto: this.ctx.moto,
      now: this.ctx.clock.now(),
      autoDeleteBuckets,
    };
  }

  #addResource(
    stack: Stack,
    id: string,
    definition: Template['Resources'][string],
    deps: string[],
  ): ResourceState {
    const resource: ResourceState = {
      logicalId: id,
      type: definition.Type,
      status: 'CREATE_IN_PROGRESS',
      timestamp: this.ctx.clock.now(),
      properties: {},
      attributes: {},
      deps,
    };
    stack.resources.set(id, resource);
    return resource;
  }

  #step(
    stack: Stack,
    id: string,
    entry: { type: string; deps: string[] },
    desired: Desired,
    evalCtx: EvalContext,
    mode: ConvergeMode,
    skip: Set<string>,
    hooks: {
      inFlight: Map<string, 'create' | 'update'>;
      isOver: () => boolean;
      settle: () => void;
      fail: () => void;
      next: () => void;
    },
  ): void {
    const { clock, faults } = this.ctx;
    const definition = desired.template.Resources[id] as Template['Resources'][string];
    const existing = stack.resources.get(id);
    if (skip.has(id) && existing) {
      resourceEvent(this.ctx, stack, existing, 'UPDATE_COMPLETE', 'Resource skipped during rollback');
      hooks.settle();
      return;
    }
    let properties: Record<string, Json>;
    try {
      properties = evaluate(definition.Properties ?? {}, evalCtx);
    } catch (error) {
      const resource = existing ?? this.#addResource(stack, id, definition, entry.deps);
      resourceEvent(
        this.ctx,
        stack,
        resource,
        existing ? 'UPDATE_FAILED' : 'CREATE_FAILED',
        (error as Error).message,
      );
      hooks.fail();
      return;
    }
    const orphan =
      mode === 'rollback'
        ? stack.orphans.find((o) => o.logicalId === id && equal(o.properties, properties))
        : undefined;
    const healthy = existing && /_COMPLETE$/.test(existing.status) && !existing.status.startsWith('DELETE');
    if (
      existing &&
      existing.type === definition.Type &&
      equal(existing.properties, properties) &&
      healthy &&
      !orphan
    ) {
      existing.deps = entry.deps;
      existing.deletionPolicy = policyOf(definition.DeletionPolicy, evalCtx);
      existing.updateReplacePolicy = policyOf(definition.UpdateReplacePolicy, evalCtx);
      hooks.settle();
      return;
    }
    const changed = existing ? changedKeys(existing.properties, properties) : [];
    const kind: 'create' | 'update' | 'replace' | 'restore' = !existing?.physicalId
      ? 'create'
      : orphan
        ? 'restore'
        : existing.type !== definition.Type || replacingProperties(definition.Type, changed).length > 0
          ? 'replace'
          : 'update';
    if (kind === 'replace' && existing) {
      const nameKey = CUSTOM_NAME[definition.Type];
      if (
        nameKey &&
        properties[nameKey] !== undefined &&
        properties[nameKey] === existing.properties[nameKey]
      ) {
        resourceEvent(
          this.ctx,
          stack,
          existing,
          'UPDATE_FAILED',
          `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${properties[nameKey]} and update the stack again.`,
        );
        hooks.fail();
        return;
      }
    }
    const resource = existing ?? this.#addResource(stack, id, definition, entry.deps);
    resource.deps = entry.deps;
    // The policies may be intrinsic functions (Fn::If on a condition), evaluated like properties.
    resource.deletionPolicy = policyOf(definition.DeletionPolicy, evalCtx);
    resource.updateReplacePolicy = policyOf(definition.UpdateReplacePolicy, evalCtx);
    const creating = kind === 'create';
    hooks.inFlight.set(id, creating ? 'create' : 'update');
    resourceEvent(
      this.ctx,
      stack,
      resource,
      creating ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS',
      kind === 'replace'
        ? 'Requested update requires the creation of a new physical resource; hence creating one.'
        : undefined,
      properties,
    );
    // The second CREATE_IN_PROGRESS, "Resource creation Initiated", comes when the resource has its
    // physical id (recorded: stack-events-create.json), also when it then fails (stack-events-delete-skipped.json).
    const initiated = () => {
      if (creating)
        resourceEvent(
          this.ctx,
          stack,
          resource,
          'CREATE_IN_PROGRESS',
          'Resource creation Initiated',
          properties,
        );
    };

    clock.schedule(this.#durationOf(id, definition.Type), async () => {
      if (hooks.isOver() || !hooks.inFlight.has(id)) return;
      const fault = faults.takeResourceFailure(
        id,
        mode === 'rollback' ? 'rollback' : creating ? 'create' : 'update',
      );
      try {
        if (fault) throw new ResourceFailure(fault);
        const context = this.#provisionContext(stack);
        if (kind === 'restore' && orphan) {
          stack.orphans = stack.orphans.filter((o) => o !== orphan);
          stack.orphans.push({ ...resource });
          await updateResource(context, id, definition.Type, properties, orphan as Required<ResourceState>);
          Object.assign(resource, { physicalId: orphan.physicalId, attributes: orphan.attributes });
        } else if (kind === 'update') {
          const result = await updateResource(
            context,
            id,
            definition.Type,
            properties,
            resource as Required<ResourceState>,
          );
          Object.assign(resource, result);
        } else {
          if (kind === 'replace') stack.orphans.push({ ...resource });
          const result = await createResource(context, id, definition.Type, properties);
          Object.assign(resource, result);
        }
        if (hooks.isOver()) return;
        resource.properties = properties;
        initiated();
        resourceEvent(
          this.ctx,
          stack,
          resource,
          creating ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE',
          undefined,
          properties,
        );
        hooks.settle();
        hooks.next();
      } catch (error) {
        if (hooks.isOver()) return;
        if (kind === 'replace') stack.orphans.pop();
        initiated();
        resourceEvent(
          this.ctx,
          stack,
          resource,
          creating ? 'CREATE_FAILED' : 'UPDATE_FAILED',
          failureReason(error),
          properties,
        );
        hooks.fail();
      }
    });
  }
}

function policyOf(value: Json, evalCtx: EvalContext): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return String(evaluate(value, evalCtx));
}

/** A resource failure's reason; an unexpected error is the fake's bug, said so, but the stack still settles. */
function failureReason(error: unknown): string {
  if (error instanceof ResourceFailure) return error.message;
  return `fake-aws internal error: ${(error as Error)?.stack ?? String(error)}`;
}
