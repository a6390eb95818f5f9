import type { LogEvent } from '../logs/events.js';
import { style } from './style.js';

/**
 * One log event as a readable line: time, the version that wrote it, the level and the request id coloured.
 * The runtime's structured JSON lines ({"level","message",...fields}) become `LEVEL message key=value`; the
 * Node.js runtime's text lines (`time<TAB>request id<TAB>LEVEL<TAB>message`) and Lambda's START/END/REPORT
 * lines are taken apart the same way. Anything else is shown as it is.
 */
export function formatLogEvent(event: Pick<LogEvent, 'timestamp' | 'version' | 'message'>): string {
  const time = style.dim(timeOfDay(event.timestamp));
  const version = event.version ? `${style.cyan(`[v${event.version}]`)} ` : '';
  return `${time} ${version}${readable(event.message)}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local time of day with milliseconds: 14:05:12.345. */
export function timeOfDay(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function level(name: string): string {
  const text = name.toUpperCase().padEnd(5);
  if (/^(ERROR|FATAL)/.test(text)) return style.red(text);
  if (text.startsWith('WARN')) return style.yellow(text);
  if (text.startsWith('INFO')) return style.green(text);
  return style.dim(text);
}

const requestId = (id: string) => style.cyan(id);

const LAMBDA_LINE = /^(START|END|REPORT) RequestId: (\S+)(.*)$/s;
const RUNTIME_TEXT = /^\d{4}-\d\d-\d\dT[\d:.]+Z\t(\S+)\t([A-Z]+)\t(.*)$/s;

function readable(message: string): string {
  const lambda = LAMBDA_LINE.exec(message);
  if (lambda) {
    return (
      style.dim(`${lambda[1]} `) +
      requestId(lambda[2] as string) +
      style.dim((lambda[3] ?? '').replace(/\t/g, '  '))
    );
  }
  const text = RUNTIME_TEXT.exec(message);
  if (text) {
    const body = (text[3] as string).trim();
    // console.error(error) and the runtime's own "Invoke Error \t{...}": words, then a JSON object.
    const split = body.indexOf('{');
    const json = split >= 0 ? parseObject(body.slice(split)) : undefined;
    const words = split > 0 ? `${body.slice(0, split).trim()} ` : '';
    return `${level(text[2] as string)} ${requestId(text[1] as string)} ${json ? `${words}${structured(json)}` : body}`;
  }
  const json = parseObject(message.trim());
  if (json && typeof json.message === 'string') {
    const { level: lvl, message: msg, timestamp: _time, requestId: id, ...fields } = json;
    const idText = typeof id === 'string' ? `${requestId(id)} ` : '';
    return `${level(String(lvl ?? 'INFO'))} ${idText}${msg}${fieldsText(fields)}`;
  }
  return message;
}

function structured(json: Record<string, unknown>): string {
  // A stack trace is many lines of its own: the raw event (--json) keeps it.
  const { message, stack: _stack, trace: _trace, ...fields } = json;
  return `${typeof message === 'string' ? message : ''}${fieldsText(fields)}`.trim();
}

function fieldsText(fields: Record<string, unknown>): string {
  const parts = Object.entries(fields).map(
    ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  return parts.length ? ` ${style.dim(parts.join(' '))}` : '';
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
