import fc from 'fast-check';

// Reading the API's answers as a client that keeps every digit would: written here, independently of
// src/runtime/json.ts, so that the tests do not check the handler's numbers with the handler's own code.

/** A JSON number as the test keeps it: its text as sent or received. */
export interface ExactNumber {
  $number: string;
}

const TOKEN = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** JSON.parse, except that every number becomes { $number: <its text> } (strings are left alone). */
export function parseExact(text: string): unknown {
  return JSON.parse(
    text.replace(TOKEN, (token) => (token.startsWith('"') ? token : `{"$number":${JSON.stringify(token)}}`)),
  );
}

/** JSON text for a value in which { $number } stands for a number written with exactly that text. */
export function stringifyExact(value: unknown): string {
  return JSON.stringify(value, (_, item) =>
    isExactNumber(item) ? `\u0000${item.$number}\u0000` : item,
  ).replace(/"\\u0000([^\\]*)\\u0000"/g, '$1');
}

export function isExactNumber(value: unknown): value is ExactNumber {
  return typeof value === 'object' && value !== null && typeof (value as ExactNumber).$number === 'string';
}

/**
 * The value of a decimal number as sign, significant digits and the power of ten of the first digit, so
 * that two texts of the same number ("1e20", "100000000000000000000") compare equal.
 */
export function numberValue(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) throw new Error(`not a JSON number: ${text}`);
  const [, sign, whole, fraction = '', power = '0'] = match;
  const all = `${whole}${fraction}`;
  const first = all.search(/[1-9]/);
  if (first < 0) return '0';
  const digits = all.slice(first).replace(/0+$/, '');
  return `${sign}${digits}e${whole!.length - first - 1 + Number(power)}`;
}

/** A value with every { $number } replaced by its numberValue, for deep equality by value. */
export function byValue(value: unknown): unknown {
  if (isExactNumber(value)) return { $number: numberValue(value.$number) };
  if (Array.isArray(value)) return value.map(byValue);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, each]) => [key, byValue(each)]));
  }
  return value;
}

/** Numbers DynamoDB stores exactly: 1-38 significant digits, magnitude 1e-130 to below 1e126; and zero. */
export const storableNumber: fc.Arbitrary<ExactNumber> = fc.oneof(
  fc
    .record({
      negative: fc.boolean(),
      digits: fc.stringMatching(/^[1-9](\d{0,36}[1-9])?$/),
      exponent: fc.integer({ min: -130, max: 125 }),
      layout: fc.constantFrom('e', 'E+', 'plain'),
    })
    .map(({ negative, digits, exponent, layout }) => ({
      $number: `${negative ? '-' : ''}${layoutNumber(digits, exponent, layout)}`,
    })),
  fc
    .constantFrom(
      '0',
      '-0',
      '0.0',
      '1e-130',
      '-1e-130',
      '9.9999999999999999999999999999999999999e125',
      '-9.9999999999999999999999999999999999999E+125',
      '12345678901234567890123456789012345678',
      '100000000000000000000',
      '1e20',
      '9007199254740993',
      '0.1',
      '3.14159265358979323846264338327950288',
    )
    .map(($number) => ({ $number })),
  fc.integer({ min: -1e9, max: 1e9 }).map((n) => ({ $number: String(n) })),
);

/** Numbers DynamoDB refuses: 39+ significant digits, or a magnitude outside 1e-130..1e126. */
export const unstorableNumber: fc.Arbitrary<ExactNumber> = fc.oneof(
  fc.constantFrom('1e126', '-1e126', '1e-131', '9.99e-131', '1e300', '5e-324', '1e999').map(($number) => ({
    $number,
  })),
  fc
    .stringMatching(/^[1-9]\d{37,45}[1-9]$/)
    .map((digits) => ({ $number: `${digits.slice(0, 5)}.${digits.slice(5)}` })),
);

function layoutNumber(digits: string, exponent: number, layout: string): string {
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  if (layout === 'e') return `${mantissa}e${exponent}`;
  if (layout === 'E+') return `${mantissa}E${exponent >= 0 ? '+' : ''}${exponent}`;
  // Plain digits, only where that stays short.
  if (exponent >= 0 && exponent < 45) {
    const intDigits = exponent + 1;
    return intDigits >= digits.length
      ? digits + '0'.repeat(intDigits - digits.length)
      : `${digits.slice(0, intDigits)}.${digits.slice(intDigits)}`;
  }
  if (exponent < 0 && exponent > -45) return `0.${'0'.repeat(-exponent - 1)}${digits}`;
  return `${mantissa}e${exponent}`;
}

/** Attribute names that are members of Object.prototype and still fit the documented name pattern. */
export const PROTOTYPE_NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
] as const;

/** Names a client may send anywhere (query keys, header names, JSON keys) that a plain object inherits or mishandles. */
export const HOSTILE_KEYS = [...PROTOTYPE_NAMES, '__proto__', '__defineGetter__', 'prototype'] as const;
