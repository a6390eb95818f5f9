/**
 * Whether we may prompt: both ends are a terminal, we are not in CI and not under --json.
 * Without a TTY nothing prompts and a missing value is an error naming its flag.
 */
export function isInteractive(options: { json?: boolean } = {}): boolean {
  if (options.json) return false;
  if (process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0') return false;
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}
