/**
 * JSON for the items API, without the two losses of JSON.parse/JSON.stringify:
 *
 * - Numbers keep every digit. JSON.parse turns 12345678901234567890 into 12345678901234567000; DynamoDB stores
 *   38 digits. A number is read as a `Decimal` (its digits as text) and written back as those digits.
 * - Objects have no prototype, so a client's `__proto__` or `constructor` is an ordinary key, never a setter
 *   or an inherited member that code downstream trips over.
 *
 * Nesting is capped: an item is three levels deep at most, and a bound keeps deep input from costing stack.
 */

/** How deep a body may nest (objects and arrays). Deeper input is refused as a whole with a 400. */
export const MAX_JSON_DEPTH = 32;

/** A JSON number kept as decimal text, in the canonical form `canonicalNumber` gives. */
export class Decimal {
  constructor(readonly text: string) {}

  /** The significant digits (no leading or trailing zeros; "0" for zero) and the decimal exponent of the first one. */
  get parts(): { negative: boolean; digits: string; exponent: number } {
    return decimalParts(this.text);
  }

  toString(): string {
    return this.text;
  }
}

export class JsonDepthError extends Error {
  constructor() {
    super(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.name = 'JsonDepthError';
  }
}

/** An object from parseJson: no prototype, any key. */
export type JsonObject = { [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Decimal);
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Parses JSON text. Throws SyntaxError for anything JSON.parse refuses (it checks the grammar first) and
 * JsonDepthError for input nested deeper than MAX_JSON_DEPTH.
 */
export function parseJson(text: string): unknown {
  JSON.parse(text); // the grammar, exactly as the platform defines it; the walk below may then trust it
  let at = 0;
  const skip = () => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(text);
    at = WHITESPACE.lastIndex;
  };
  const string = (): string => {
    const start = at;
    at++;
    while (text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const value = (depth: number): unknown => {
    skip();
    const char = text[at];
    if (char === '{' || char === '[') {
      if (depth >= MAX_JSON_DEPTH) throw new JsonDepthError();
      at++;
      skip();
      const close = char === '{' ? '}' : ']';
      const container: unknown[] | JsonObject = char === '{' ? Object.create(null) : [];
      if (text[at] === close) {
        at++;
        return container;
      }
      for (;;) {
        if (Array.isArray(container)) container.push(value(depth + 1));
        else {
          skip();
          const key = string();
          skip();
          at++; // ':'
          container[key] = value(depth + 1);
        }
        skip();
        if (text[at++] === close) return container;
      }
    }
    if (char === '"') return string();
    if (char === 't' || char === 'f' || char === 'n') {
      const word = char === 't' ? 'true' : char === 'f' ? 'false' : 'null';
      at += word.length;
      return char === 't' ? true : char === 'f' ? false : null;
    }
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text)!;
    at = NUMBER.lastIndex;
    return new Decimal(canonicalNumber(match[0]));
  };
  return value(0);
}

/** JSON text for a value; a Decimal is written as its digits. `indent` pretty-prints like JSON.stringify. */
export function stringifyJson(value: unknown, indent = 0): string {
  const write = (item: unknown, pad: string): string | undefined => {
    if (item instanceof Decimal) return item.text;
    if (item === null || typeof item !== 'object') return JSON.stringify(item);
    const inner = indent ? `${pad}${' '.repeat(indent)}` : '';
    const open = indent ? `\n${inner}` : '';
    const separator = indent ? `,\n${inner}` : ',';
    const close = indent ? `\n${pad}` : '';
    if (Array.isArray(item)) {
      if (item.length === 0) return '[]';
      return `[${open}${item.map((each) => write(each, inner) ?? 'null').join(separator)}${close}]`;
    }
    const members: string[] = [];
    for (const key of Object.keys(item)) {
      const text = write((item as JsonObject)[key], inner);
      if (text !== undefined) members.push(`${JSON.stringify(key)}:${indent ? ' ' : ''}${text}`);
    }
    return members.length ? `{${open}${members.join(separator)}${close}}` : '{}';
  };
  return write(value, '') ?? 'null';
}

/**
 * The canonical text of a decimal number: no leading or trailing zeros, "0" for any zero, and the layout
 * JavaScript uses for numbers (plain digits for exponents -7..20, else d.ddde±n), so that a number a
 * JavaScript double can hold exactly is written exactly as JSON.stringify would write it.
 */
export function canonicalNumber(text: string): string {
  const { negative, digits, exponent } = decimalParts(text);
  if (digits === '0') return '0';
  const sign = negative ? '-' : '';
  const n = exponent + 1; // the position of the decimal point relative to the first digit
  const k = digits.length;
  if (k <= n && n <= 21) return sign + digits + '0'.repeat(n - k);
  if (0 < n && n <= 21) return `${sign}${digits.slice(0, n)}.${digits.slice(n)}`;
  if (-6 < n && n <= 0) return `${sign}0.${'0'.repeat(-n)}${digits}`;
  const mantissa = k > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e${n - 1 >= 0 ? '+' : '-'}${Math.abs(n - 1)}`;
}

function decimalParts(text: string): { negative: boolean; digits: string; exponent: number } {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) throw new SyntaxError(`not a decimal number: ${text}`);
  const [, sign, whole = '', fraction = '', power = '0'] = match;
  const all = whole + fraction;
  const leading = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(leading).replace(/0+$/, '');
  if (digits === '') return { negative: false, digits: '0', exponent: 0 };
  // The first significant digit sits at position `leading` of `all`; the point sits after `whole`.
  return { negative: sign === '-', digits, exponent: whole.length - leading - 1 + Number(power) };
}
