import { validationError } from '../errors.js';
import { Convergence } from './convergence.js';
import {
  type ChangeSet,
  type CloudFormationContext,
  desiredOf,
  type Stack,
  setStatus,
  stackContext,
  stackEvent,
} from './stack.js';
import { activeResources, type Template } from './template.js';

/**
 * A stack's life: it comes into being in review (a CREATE change set), is created or updated by executing
 * a change set, rolls back on failure (and is continued when the rollback fails), is cancelled or deleted.
 * Each operation sets the stack's statuses and events; convergence.ts does the resources' part.
 */
export class StackLifecycle {
  readonly #convergence: Convergence;

  constructor(private readonly ctx: CloudFormationContext) {
    this.#convergence = new Convergence(ctx);
  }

  /** A new stack, in REVIEW_IN_PROGRESS until a change set is executed. */
  open(stackName: string, stackId: string): Stack {
    const stack: Stack = {
      stackId,
      stackName,
      status: 'REVIEW_IN_PROGRESS',
      statusReason: 'User Initiated',
      creationTime: this.ctx.clock.now(),
      parameters: {},
      tags: [],
      capabilities: [],
      terminationProtection: false,
      disableRollback: false,
      outputs: [],
      resources: new Map(),
      orphans: [],
      events: [],
      changeSets: new Map(),
    };
    this.ctx.stacks.push(stack);
    stackEvent(this.ctx, stack, 'REVIEW_IN_PROGRESS', 'User Initiated');
    return stack;
  }

  /** Executes a change set: the stack takes its template, parameters and tags, then is created or updated. */
  execute(
    stack: Stack,
    cs: ChangeSet,
    options: { disableRollback: boolean; clientRequestToken?: string },
  ): void {
    cs.executionStatus = 'EXECUTE_IN_PROGRESS';
    // "When you execute a change set, CloudFormation deletes all other change sets associated with the
    // stack because they aren't valid for the updated stack." (ExecuteChangeSet, API reference)
    for (const other of [...stack.changeSets.values()]) {
      if (other === cs) continue;
      stack.changeSets.delete(other.name);
      this.ctx.changeSetsById.delete(other.id);
    }
    stack.executedChangeSetId = cs.id;
    stack.lastUpdatedTime = this.ctx.clock.now();
    stack.disableRollback = options.disableRollback;
    stack.clientRequestToken = options.clientRequestToken;
    if (cs.type === 'UPDATE') {
      stack.previous = {
        template: stack.template as Template,
        templateBody: stack.templateBody as string,
        parameters: stack.parameters,
        outputs: stack.outputs,
      };
    }
    stack.template = cs.template;
    stack.templateBody = cs.templateBody;
    stack.parameters = cs.parameters;
    stack.tags = cs.tags;
    stack.capabilities = cs.capabilities;
    stack.description = cs.template.Description;
    const done = (ok: boolean) => {
      cs.executionStatus = ok ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
    };
    if (cs.type === 'CREATE') this.#runCreate(stack, done);
    else this.#runUpdate(stack, done);
  }

  /** Puts a stack in an in-progress state for `forMs` (another operation running), then back. */
  makeBusy(stack: Stack, forMs: number, status = 'UPDATE_IN_PROGRESS'): void {
    const settled = status.replace('IN_PROGRESS', 'COMPLETE');
    this.#obsolete(stack);
    setStatus(this.ctx, stack, status, 'User Initiated');
    this.ctx.clock.schedule(forMs, () => {
      if (stack.status === status) setStatus(this.ctx, stack, settled);
    });
  }

  cancelUpdate(stack: Stack, clientRequestToken?: string): void {
    if (stack.status !== 'UPDATE_IN_PROGRESS' || !stack.runner) {
      throw validationError(`CancelUpdateStack cannot be called from current stack status`);
    }
    if (clientRequestToken) stack.clientRequestToken = clientRequestToken;
    this.#obsolete(stack);
    stack.runner.cancel('Resource update cancelled');
  }

  continueUpdateRollback(stack: Stack, skip: Set<string>, clientRequestToken?: string): void {
    if (stack.status !== 'UPDATE_ROLLBACK_FAILED') {
      throw validationError(
        `Stack ${stack.stackId} is in ${stack.status} state and cannot be continued to roll back. It must be in UPDATE_ROLLBACK_FAILED state.`,
      );
    }
    for (const id of skip) {
      const resource = stack.resources.get(id);
      if (!resource?.status.endsWith('FAILED')) {
        throw validationError(
          `Nested stacks could not be rolled back or resource ${id} is not in a failed state: only resources in UPDATE_FAILED can be skipped`,
        );
      }
    }
    stack.clientRequestToken = clientRequestToken;
    this.#obsolete(stack);
    setStatus(this.ctx, stack, 'UPDATE_ROLLBACK_IN_PROGRESS', 'User Initiated');
    this.#rollBackUpdate(stack, skip);
  }

  /**
   * Another operation than a change set changes the stack: its pending change sets are OBSOLETE ("in an
   * OBSOLETE state because the stack was already updated", DescribeChangeSet, API reference; recorded:
   * conformance fixture change-set-obsolete.json).
   */
  #obsolete(stack: Stack): void {
    for (const cs of stack.changeSets.values()) {
      if (cs.executionStatus === 'AVAILABLE') cs.executionStatus = 'OBSOLETE';
    }
  }

  /** Deletes the stack; `retain` (RetainResources, only for a stack in DELETE_FAILED) are left where they are. */
  delete(stack: Stack, clientRequestToken?: string, retain: Set<string> = new Set()): void {
    if (stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return;
    if (retain.size > 0 && stack.status !== 'DELETE_FAILED') {
      throw validationError(
        `Invalid operation on stack [${stack.stackId}]. RetainResources can only be specified when the stack is in the DELETE_FAILED state`,
      );
    }
    if (stack.terminationProtection) {
      throw validationError(
        `Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`,
      );
    }
    if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS') {
      throw validationError(`Stack [${stack.stackName}] cannot be deleted while in status ${stack.status}`);
    }
    // Pending change sets go with the stack; the executed one stays describable by its ARN (recorded:
    // change-set-name-conflicts.json).
    for (const cs of [...stack.changeSets.values()]) {
      if (cs.id === stack.executedChangeSetId) continue;
      stack.changeSets.delete(cs.name);
      this.ctx.changeSetsById.delete(cs.id);
    }
    stack.clientRequestToken = clientRequestToken;
    stack.deletionTime = this.ctx.clock.now();
    setStatus(this.ctx, stack, 'DELETE_IN_PROGRESS', 'User Initiated');
    const resources = [...stack.resources.values(), ...stack.orphans];
    this.#convergence.cleanup(stack, resources, 'delete', retain, (failed) => {
      if (failed.length > 0) {
        setStatus(
          this.ctx,
          stack,
          'DELETE_FAILED',
          `The following resource(s) failed to delete: [${failed.join(', ')}]. `,
        );
        return;
      }
      stack.orphans = [];
      setStatus(this.ctx, stack, 'DELETE_COMPLETE');
    });
  }

  #runCreate(stack: Stack, done: (ok: boolean) => void): void {
    setStatus(this.ctx, stack, 'CREATE_IN_PROGRESS', 'User Initiated');
    this.#convergence.converge(stack, desiredOf(stack), 'forward', new Set(), (failed) => {
      if (failed.length === 0) {
        this.#convergence.computeOutputs(stack);
        setStatus(this.ctx, stack, 'CREATE_COMPLETE');
        done(true);
        return;
      }
      done(false);
      const reason = `The following resource(s) failed to create: [${failed.join(', ')}]. `;
      if (stack.disableRollback) {
        setStatus(this.ctx, stack, 'CREATE_FAILED', reason);
        return;
      }
      // Rolling a create back deletes what was created: the stack shows a DeletionTime from here on
      // (recorded: stack-events-delete-skipped.json, ROLLBACK_FAILED with DeletionTime).
      stack.deletionTime = this.ctx.clock.now();
      setStatus(this.ctx, stack, 'ROLLBACK_IN_PROGRESS', `${reason}Rollback requested by user.`);
      this.#convergence.cleanup(
        stack,
        [...stack.resources.values()],
        'rollback',
        new Set(),
        (deleteFailed) => {
          if (deleteFailed.length > 0) {
            setStatus(
              this.ctx,
              stack,
              'ROLLBACK_FAILED',
              `The following resource(s) failed to delete: [${deleteFailed.join(', ')}]. `,
            );
          } else {
            setStatus(this.ctx, stack, 'ROLLBACK_COMPLETE');
          }
        },
      );
    });
  }

  #runUpdate(stack: Stack, done: (ok: boolean) => void): void {
    setStatus(this.ctx, stack, 'UPDATE_IN_PROGRESS', 'User Initiated');
    const desired = desiredOf(stack);
    stack.runner = this.#convergence.converge(stack, desired, 'forward', new Set(), (failed, cancelled) => {
      stack.runner = undefined;
      if (failed.length === 0 && !cancelled) {
        this.#convergence.computeOutputs(stack);
        setStatus(this.ctx, stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
        const active = new Set(activeResources(desired.template, stackContext(this.ctx, stack, desired)));
        const removed = [...stack.resources.values()].filter((r) => !active.has(r.logicalId));
        this.#convergence.cleanup(stack, [...stack.orphans, ...removed], 'forward', new Set(), () => {
          stack.orphans = [];
          setStatus(this.ctx, stack, 'UPDATE_COMPLETE');
          done(true);
        });
        return;
      }
      done(false);
      const verb = failed.some((id) => stack.resources.get(id)?.status === 'CREATE_FAILED')
        ? 'create'
        : 'update';
      const reason = cancelled
        ? 'Stack update cancelled'
        : `The following resource(s) failed to ${verb}: [${failed.join(', ')}]. `;
      if (stack.disableRollback && !cancelled) {
        setStatus(this.ctx, stack, 'UPDATE_FAILED', reason);
        return;
      }
      setStatus(this.ctx, stack, 'UPDATE_ROLLBACK_IN_PROGRESS', reason);
      this.#rollBackUpdate(stack, new Set());
    });
  }

  #rollBackUpdate(stack: Stack, skip: Set<string>): void {
    const previous = stack.previous as NonNullable<Stack['previous']>;
    stack.template = previous.template;
    stack.templateBody = previous.templateBody;
    stack.parameters = previous.parameters;
    stack.outputs = previous.outputs;
    const desired = { template: previous.template, parameters: previous.parameters };
    this.#convergence.converge(stack, desired, 'rollback', skip, (failed) => {
      if (failed.length > 0) {
        setStatus(
          this.ctx,
          stack,
          'UPDATE_ROLLBACK_FAILED',
          `The following resource(s) failed to update: [${failed.join(', ')}]. `,
        );
        return;
      }
      setStatus(this.ctx, stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
      const active = new Set(activeResources(desired.template, stackContext(this.ctx, stack, desired)));
      const added = [...stack.resources.values()].filter((r) => !active.has(r.logicalId));
      this.#convergence.cleanup(stack, [...stack.orphans, ...added], 'rollback', new Set(), () => {
        stack.orphans = [];
        setStatus(this.ctx, stack, 'UPDATE_ROLLBACK_COMPLETE');
      });
    });
  }
}
