import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadModel, type Model } from './botocore.js';
import type { FixtureCall } from './fixtures.js';
import { operationOf, serializeError, serializeOutput } from './wire.js';

/**
 * A local endpoint that answers one service's requests with recorded answers, in that service's wire
 * protocol, so a real SDK client (and the reader that holds it) parses them as it parses AWS.
 * Answers queue per operation and are served in order; the last one of each operation repeats, because
 * readers poll. A request nobody recorded an answer for gets a 500 and is listed in `unexpected`.
 */
export class Replay {
  readonly requests: Array<{ operation: string; params: Record<string, string> }> = [];
  readonly unexpected: string[] = [];
  private readonly queues = new Map<string, FixtureCall[]>();

  private constructor(
    readonly model: Model,
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(service: string): Promise<Replay> {
    const model = loadModel(service);
    let replay: Replay | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const answer = replay?.answer(
          req.method ?? 'GET',
          req.url ?? '/',
          req.headers,
          Buffer.concat(chunks),
        );
        res.writeHead(answer?.status ?? 500, answer?.headers ?? {});
        res.end(answer?.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    replay = new Replay(model, server, `http://127.0.0.1:${port}`);
    return replay;
  }

  /** Queues answers; each is served to the next request for its operation. */
  serve(...calls: FixtureCall[]): this {
    for (const call of calls) {
      const queue = this.queues.get(call.operation) ?? [];
      queue.push(call);
      this.queues.set(call.operation, queue);
    }
    return this;
  }

  /** Forgets the queued answers and the requests seen. */
  reset(): void {
    this.queues.clear();
    this.requests.length = 0;
    this.unexpected.length = 0;
  }

  /** How many requests each operation received. */
  count(operation: string): number {
    return this.requests.filter((r) => r.operation === operation).length;
  }

  /** Client settings that send a real SDK client here, with no retries to blur what was asked. */
  clientConfig() {
    return {
      endpoint: this.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'replay', secretAccessKey: 'replay' },
      maxAttempts: 1,
    };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(method: string, url: string, rawHeaders: Record<string, unknown>, body: Buffer) {
    const headers = new Headers();
    for (const [k, v] of Object.entries(rawHeaders)) if (typeof v === 'string') headers.set(k, v);
    const text = body.toString('utf8');
    const path = decodeURIComponent(new URL(url, 'http://replay').pathname);
    const operation = operationOf(this.model, method, path, headers, text);
    const params = Object.fromEntries(
      this.model.metadata.protocol === 'query'
        ? new URLSearchParams(text)
        : new URL(url, 'http://replay').searchParams,
    );
    this.requests.push({ operation: operation ?? `${method} ${path}`, params });
    const queue = operation ? this.queues.get(operation) : undefined;
    const call = queue && queue.length > 1 ? queue.shift() : queue?.[0];
    if (!operation || !call) {
      this.unexpected.push(operation ?? `${method} ${path}`);
      return { status: 500, headers: {}, body: `no recorded answer for ${operation ?? `${method} ${path}`}` };
    }
    if (call.error) return serializeError(this.model, call.error);
    return serializeOutput(this.model, operation, call.output, call.httpStatus);
  }
}
