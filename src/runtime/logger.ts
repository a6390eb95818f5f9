/**
 * Structured JSON logs, one object per line on stdout (CloudWatch keeps each line as one event). The level
 * follows Lambda's own advanced logging control, AWS_LAMBDA_LOG_LEVEL (default INFO).
 */
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, FATAL: 50 } as const;
type Level = keyof typeof LEVELS;

const threshold = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase() as Level] ?? LEVELS.INFO;

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(context: Record<string, unknown>): Logger {
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < threshold) return;
    const line = { timestamp: new Date().toISOString(), level, message, ...context, ...fields };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  return {
    info: (message, fields) => write('INFO', message, fields),
    warn: (message, fields) => write('WARN', message, fields),
    error: (message, fields) => write('ERROR', message, fields),
  };
}

/** An error as log fields: name, message and stack, never the request body. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error)
    return { error: { name: error.name, message: error.message, stack: error.stack } };
  return { error: { message: String(error) } };
}
