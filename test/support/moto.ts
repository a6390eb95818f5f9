import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A moto_server (python moto 5.2.1) on a free loopback port: the faithful offline data plane
 * (S3, DynamoDB, SNS, CloudWatch). One per test file via `startMoto()`, or one per vitest run via
 * the globalSetup in `test/support/global-setup.ts` and `sharedMoto()`.
 */
export interface Moto {
  endpoint: string;
  /** Forget every resource (POST /moto-api/reset); ~15 ms. Do not use on a shared moto. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** The variable the globalSetup sets (and provides) so test files find the shared moto. */
export const MOTO_ENDPOINT_VARIABLE = 'SERVERLESS_INFRA_TEST_MOTO_ENDPOINT';
export const MOTO_ERROR_VARIABLE = 'SERVERLESS_INFRA_TEST_MOTO_ERROR';

const MISSING_MOTO =
  'moto_server is not on PATH: install it with `pip install "moto[server]==5.2.1"` (python3) to run the offline AWS tests';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * moto_server, with Cognito's authenticator-code (TOTP, RFC 6238) checks made at a fixed instant instead of
 * moto's wall clock: a test computes the code for that instant, and no slow machine can make it stale.
 * Everything else is moto as it is.
 */
const FROZEN_TOTP_SERVER = `
import sys
from moto.cognitoidp import models
from moto.server import main
frozen = int(sys.argv.pop(1))
real_totp = models.cognito_totp
class FrozenTotp:
    def __init__(self, totp):
        self.totp = totp
    def verify(self, code, _time):
        return self.totp.verify(code, frozen)
    def generate(self, _time):
        return self.totp.generate(frozen)
models.cognito_totp = lambda key: FrozenTotp(real_totp(key))
sys.exit(main())
`;

/**
 * `env`: moto's own settings, such as MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true (real TOTP checks).
 * `totpTime`: the instant (Unix seconds) at which moto checks authenticator codes (see FROZEN_TOTP_SERVER).
 */
export async function startMoto(
  options: { readyTimeoutMs?: number; env?: Record<string, string>; totpTime?: number } = {},
): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const args = ['-H', '127.0.0.1', '-p', String(port)];
  const [command, argv] =
    options.totpTime === undefined
      ? ['moto_server', args]
      : ['python3', ['-c', FROZEN_TOTP_SERVER, String(options.totpTime), ...args]];
  const child = spawn(command, argv, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...options.env, PYTHONUNBUFFERED: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<Error>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ENOENT' ? new Error(MISSING_MOTO) : error),
    );
    child.on('exit', (code) =>
      resolve(new Error(`moto_server exited with code ${code} before it was ready:\n${stderr}`)),
    );
  });
  const ready = waitUntilReady(endpoint, options.readyTimeoutMs ?? 20_000);
  const outcome = await Promise.race([ready.then(() => undefined), exited]);
  if (outcome instanceof Error) {
    child.kill();
    throw outcome;
  }
  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop: () => stopChild(child),
  };
}

/** The moto started by the globalSetup, or a clear error saying why there is none. */
export function sharedMoto(): Pick<Moto, 'endpoint'> {
  const endpoint = process.env[MOTO_ENDPOINT_VARIABLE];
  if (endpoint) return { endpoint };
  throw new Error(
    process.env[MOTO_ERROR_VARIABLE] ??
      'no shared moto: run the tests with vitest (globalSetup test/support/global-setup.ts) or call startMoto()',
  );
}

async function waitUntilReady(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`moto_server at ${endpoint} was not ready within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}
