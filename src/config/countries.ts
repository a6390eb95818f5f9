import { createRequire } from 'node:module';

/** ISO 3166-1 alpha-2 codes, from the maintained `country-list` package (the standard's 249 assigned codes). */
const countries = createRequire(import.meta.url)('country-list/data.json') as Array<{
  code: string;
  name: string;
}>;
const CODES = new Map(countries.map((c) => [c.code, c.name]));

/** The country's name for an assigned ISO 3166-1 alpha-2 code (upper case), undefined otherwise. */
export function countryName(code: string): string | undefined {
  return CODES.get(code);
}
