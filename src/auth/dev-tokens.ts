/**
 * Tokens for `serverless-infra dev`: JWTs shaped like a Cognito ID token, signed with HS256 by a secret
 * kept in the project (`.serverless-infra/dev-token-secret`, created on first use, never deployed). `token
 * --dev` issues them; `dev` checks them on write methods the way API Gateway's Cognito authorizer checks real
 * ones, and hands the claims to the handler in `requestContext.authorizer.claims`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const DEV_TOKEN_SECRET_FILE = path.join('.serverless-infra', 'dev-token-secret');
export const DEV_TOKEN_ISSUER = 'serverless-infra-dev';
/** The app client id of the dev tokens (a Cognito ID token's `aud` is the app client id of its pool). */
export const DEV_TOKEN_AUDIENCE = 'dev';
const VALIDITY_SECONDS = 3600;
/** The longest validity Cognito allows an ID token: 1 day (app client token validity, 5 minutes to 1 day). */
const MAX_VALIDITY_SECONDS = 24 * 3600;
/** How far a token's issue time may be ahead of this clock: tokens are issued on this machine. */
const CLOCK_SKEW_SECONDS = 60;

export interface DevClaims {
  sub: string;
  email: string;
  'cognito:username': string;
  token_use: 'id';
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

/** The secret of a project directory, created (0600) when missing. */
export async function devTokenSecret(projectDir: string): Promise<Buffer> {
  const file = path.join(projectDir, DEV_TOKEN_SECRET_FILE);
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  await mkdir(path.dirname(file), { recursive: true });
  // wx: two processes creating it at once must not end up with different secrets.
  try {
    await writeFile(file, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return devTokenSecret(projectDir);
    throw error;
  }
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function issueDevToken(
  secret: Buffer,
  email: string,
  now = Date.now(),
): { token: string; claims: DevClaims } {
  const iat = Math.floor(now / 1000);
  const claims: DevClaims = {
    // Stable per e-mail, like a Cognito user's sub.
    sub: uuidFrom(createHmac('sha256', secret).update(email).digest()),
    email,
    'cognito:username': email,
    token_use: 'id',
    iss: DEV_TOKEN_ISSUER,
    aud: DEV_TOKEN_AUDIENCE,
    iat,
    exp: iat + VALIDITY_SECONDS,
  };
  const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return { token: `${unsigned}.${sign(secret, unsigned)}`, claims };
}

export type DevTokenCheck =
  | { ok: true; claims: DevClaims }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

/**
 * Checks an Authorization header value (`<token>` or `Bearer <token>`, as API Gateway accepts both) the way a
 * Cognito ID token is checked: the signature, the issuer, `token_use: id`, the audience (the app client id),
 * an issue time that is not in the future, an expiry after it and within a day of it (the longest validity
 * Cognito gives an ID token), and not past.
 */
export function verifyDevToken(secret: Buffer, header: string | undefined, now = Date.now()): DevTokenCheck {
  const token = header?.trim().replace(/^Bearer\s+/i, '');
  if (!token) return { ok: false, reason: 'missing' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'invalid' };
  const [header64, payload64, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(secret, `${header64}.${payload64}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'invalid' };
  let claims: DevClaims;
  try {
    const head = JSON.parse(Buffer.from(header64, 'base64url').toString('utf8')) as { alg?: string };
    if (head.alg !== 'HS256') return { ok: false, reason: 'invalid' };
    claims = JSON.parse(Buffer.from(payload64, 'base64url').toString('utf8')) as DevClaims;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (
    typeof claims !== 'object' ||
    claims === null ||
    claims.iss !== DEV_TOKEN_ISSUER ||
    claims.token_use !== 'id' ||
    claims.aud !== DEV_TOKEN_AUDIENCE ||
    typeof claims.sub !== 'string' ||
    claims.sub.length === 0
  ) {
    return { ok: false, reason: 'invalid' };
  }
  const { iat, exp } = claims;
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) return { ok: false, reason: 'invalid' };
  if (iat * 1000 > now + CLOCK_SKEW_SECONDS * 1000) return { ok: false, reason: 'invalid' };
  if (exp <= iat || exp - iat > MAX_VALIDITY_SECONDS) return { ok: false, reason: 'invalid' };
  if (exp * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/**
 * The claims as API Gateway's Cognito authorizer puts them in a REST proxy event: every value a string,
 * times in Java's Date format ("Wed Nov 25 20:30:00 UTC 2026").
 */
export function authorizerClaims(claims: DevClaims): Record<string, string> {
  const javaDate = (seconds: number) => {
    // toUTCString: "Wed, 25 Nov 2026 20:30:00 GMT"
    const [day, date, month, year, time] = new Date(seconds * 1000).toUTCString().replace(',', '').split(' ');
    return `${day} ${month} ${date} ${time} UTC ${year}`;
  };
  return Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [
      name,
      name === 'iat' || name === 'exp' ? javaDate(value as number) : String(value),
    ]),
  );
}

function sign(secret: Buffer, data: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

function uuidFrom(bytes: Buffer): string {
  const hex = Buffer.from(bytes.subarray(0, 16)).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
