import type { ReleaseContext } from '../release/context.js';
import type { ReleaseResult } from '../release/follow.js';
import type { ReleaseHooks } from '../release/shift.js';
import { withDetach } from './detach.js';
import { outcomeLines, startedLines } from './release-report.js';
import { createViews } from './release-view.js';

/**
 * The terminal side of shift and rollback: the live (or plain, or silent) views, the lines said when the
 * deployment starts and when it ends, and Ctrl-C detaching from the watch (the deployment goes on).
 */
export function releaseTerminal(
  command: { id: string | undefined; json: boolean; verbose: boolean; info: (line: string) => void },
  context: ReleaseContext,
  options: { watch: boolean },
) {
  const reattach = `serverless-infra shift --watch -e ${context.environment}`;
  const views = createViews({
    json: command.json,
    verbose: command.verbose,
    command: command.id ?? 'shift',
    stackName: context.stack.stackName,
  });
  const hooks = {
    watch: options.watch,
    ...views,
    onStarted: (event: Parameters<ReleaseHooks['onStarted']>[0]) => {
      for (const line of startedLines(event, reattach, options.watch)) command.info(line);
    },
  };
  return {
    hooks,
    /** Runs the release with these hooks (and Ctrl-C detaching), then says how it ended. */
    async run(release: (hooks: ReleaseHooks) => Promise<ReleaseResult>): Promise<ReleaseResult> {
      const result = await withDetach((signal) => release({ ...hooks, signal }));
      for (const line of outcomeLines(result, reattach)) command.info(line);
      return result;
    },
  };
}
