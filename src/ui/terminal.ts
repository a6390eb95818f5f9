/**
 * The terminal policy, in one place: when the CLI may ask questions, how it shows progress, and whether
 * `shift` watches by default. Everything human goes to stderr; stdout holds results (and only JSON under
 * --json).
 */

/** CI=true (or any value but false/0), as CI services set it. */
export function isCI(): boolean {
  const ci = process.env.CI;
  return Boolean(ci) && ci !== 'false' && ci !== '0';
}

/**
 * May this run ask questions? Never under --json or in CI; otherwise when the user can see the question and
 * answer it. A command whose stdout is captured (`$(serverless-infra token)`) asks on stderr, so a terminal
 * on stdin and stderr is enough for it.
 */
export function canPrompt(options: { json?: boolean; onStderr?: boolean } = {}): boolean {
  if (options.json || isCI()) return false;
  const out = options.onStderr ? process.stderr : process.stdout;
  return Boolean(process.stdin.isTTY && out.isTTY);
}

/**
 * How progress is rendered: live (redrawn in place) on a terminal; one timestamped line per event when
 * stderr is not a terminal, in CI or with --verbose; nothing under --json. NO_COLOR removes colour only
 * (style.ts), never the layout.
 */
export type RendererMode = 'live' | 'plain' | 'silent';

export function rendererMode(options: { json?: boolean; verbose?: boolean }): RendererMode {
  if (options.json) return 'silent';
  if (options.verbose || isCI() || !process.stderr.isTTY) return 'plain';
  return 'live';
}

/** `shift --watch` is the default when someone is looking: both ends a terminal, not --json, not CI. */
export function watchesByDefault(json: boolean): boolean {
  return !json && !isCI() && Boolean(process.stdout.isTTY && process.stderr.isTTY);
}
