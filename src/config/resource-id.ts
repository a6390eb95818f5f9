import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The id that names the environment's buckets (`cf-serverless-<id>`). Generated once, from a
 * cryptographic source, when the environment is added to the project file, and never again:
 * a new id would mean new buckets and the old data left behind.
 */
export function newResourceId(): string {
  let id = '';
  for (let i = 0; i < 8; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
