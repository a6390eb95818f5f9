import type { ReleaseResult } from '../release/follow.js';
import type { StartedEvent } from '../release/shift.js';
import { formatDuration } from './release-view.js';
import { style } from './style.js';

/** Human lines for a release that has just been started or attached to. */
export function startedLines(event: StartedEvent, reattach: string, watching: boolean): string[] {
  const lines: string[] = [];
  if (event.attached) {
    lines.push(`Deployment ${style.bold(event.deploymentId)} is already running: watching it.`);
  } else {
    const what = event.target ? `version ${event.target.from} -> ${event.target.to}` : '';
    const how = event.plan ? `, ${event.plan}` : '';
    lines.push(`Started deployment ${style.bold(event.deploymentId)}: ${what}${how}`);
  }
  if (event.firingAlarms?.length) {
    lines.push(style.yellow(`Alarm in ALARM (--ignore-alarms): ${event.firingAlarms.join(', ')}`));
  }
  lines.push(style.dim(event.consoleUrl));
  lines.push(
    style.dim(
      watching
        ? `Ctrl-C stops watching, not the deployment. Re-attach: ${reattach}`
        : `Watch it: ${reattach}; stop it: serverless-infra rollback`,
    ),
  );
  return lines;
}

function traffic(result: ReleaseResult): string {
  return Object.entries(result.traffic ?? {})
    .filter(([, p]) => p > 0)
    .map(([v, p]) => `${p} % on version ${v}`)
    .join(', ');
}

/** The closing lines: how the release ended and what the alias serves now. */
export function outcomeLines(result: ReleaseResult, reattach: string): string[] {
  const took =
    result.timings.durationSeconds !== undefined
      ? ` in ${formatDuration(result.timings.durationSeconds * 1000)}`
      : '';
  const rollback = result.rollbackDeploymentId ? ` (rollback deployment ${result.rollbackDeploymentId})` : '';
  const serves = `The alias serves ${traffic(result) || 'nothing we could read'}.`;
  if (result.rollbackStatus && result.rollbackStatus !== 'Succeeded') {
    return [
      `${style.red('✖')} Deployment ${result.deploymentId} ended ${result.status}, and its rollback ${result.rollbackDeploymentId} ended ${result.rollbackStatus}. ${serves}`,
      'Run `serverless-infra rollback` to move the alias back, or `serverless-infra shift --to VERSION`.',
    ];
  }
  switch (result.outcome) {
    case 'succeeded':
      if (result.stoppedDeploymentId) {
        return [
          `${style.green('✔')} Rolled back: ${result.stoppedDeploymentId} stopped, rollback deployment ${result.deploymentId} succeeded${took}. ${serves}`,
        ];
      }
      return [`${style.green('✔')} Deployment ${result.deploymentId} succeeded${took}. ${serves}`];
    case 'rolled-back-by-alarm':
      return [
        `${style.red('✖')} An alarm stopped deployment ${result.deploymentId}; CodeDeploy rolled back${rollback}. ${serves}`,
        ...(result.error?.message ? [style.dim(result.error.message)] : []),
      ];
    case 'stopped':
      return [`${style.yellow('■')} Deployment ${result.deploymentId} was stopped${rollback}. ${serves}`];
    case 'failed': {
      const smoke = result.smokeTest?.results.find((r) => r.status === 'Failed');
      return [
        `${style.red('✖')} Deployment ${result.deploymentId} failed${rollback}. ${serves}`,
        ...(smoke
          ? [`  The smoke test failed in ${smoke.event}: ${smoke.reason ?? 'no reason logged'}`]
          : []),
        ...(result.error?.message ? [`  ${result.error.code ?? 'Error'}: ${result.error.message}`] : []),
      ];
    }
    case 'detached':
      return [
        `Detached: deployment ${result.deploymentId} goes on. Re-attach: ${reattach}; stop it and roll back: serverless-infra rollback`,
      ];
    case 'in-progress':
      return [`Deployment ${result.deploymentId} is ${result.status}. Watch it: ${reattach}`];
  }
}
