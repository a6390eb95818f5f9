/** Minimal ANSI styling that honours NO_COLOR / FORCE_COLOR and is off when stderr is not a terminal. */
function enabled(): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stderr.isTTY);
}

function wrap(open: number, close: number) {
  return (text: string): string => (enabled() ? `\u001b[${open}m${text}\u001b[${close}m` : text);
}

export const style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
};
