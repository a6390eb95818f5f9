import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RUNTIME_ENV, TABLE_KEYS } from '../runtime/contract.js';
import { closeServer, type PublishedMessage, startSnsSink } from './sns-sink.js';

export interface LocalStoreNames {
  tableName: string;
  bucketName: string;
  topicArn: string;
  region: string;
}

export interface LocalStores {
  names: LocalStoreNames;
  /**
   * The environment the handler runs with: the stack's RUNTIME_ENV variables, the SDK's own
   * AWS_ENDPOINT_URL_<SERVICE> variables pointing at the local stores, and dummy credentials.
   */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface LocalStoreOptions {
  /** Where the data persists; without it the stores live in memory / a temporary folder. */
  dataDir?: string;
  names?: Partial<LocalStoreNames>;
  onPublish?: (message: PublishedMessage) => void;
}

const LOCAL_ACCOUNT = '000000000000';

/**
 * DynamoDB (dynalite), S3 (s3rver) and an SNS stand-in on 127.0.0.1, with the table, index and bucket the
 * stack creates (src/runtime/contract.ts). No Docker, no AWS.
 */
export async function startLocalStores(options: LocalStoreOptions = {}): Promise<LocalStores> {
  const region = options.names?.region ?? 'us-east-1';
  const names: LocalStoreNames = {
    tableName: options.names?.tableName ?? 'items',
    bucketName: options.names?.bucketName ?? 'cf-serverless-local',
    topicArn: options.names?.topicArn ?? `arn:aws:sns:${region}:${LOCAL_ACCOUNT}:serverless-infra-local`,
    region,
  };
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => {});
  };
  try {
    const [{ default: dynalite }, { default: S3rver }] = await Promise.all([
      import('dynalite'),
      import('s3rver'),
    ]);

    if (options.dataDir) await mkdir(path.join(options.dataDir, 'dynamodb'), { recursive: true });
    const dynamo: Server = dynalite({
      ...(options.dataDir ? { path: path.join(options.dataDir, 'dynamodb') } : {}),
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
    });
    await new Promise<void>((resolve, reject) => {
      dynamo.once('error', reject);
      dynamo.listen(0, '127.0.0.1', () => resolve());
    });
    stops.push(() => closeServer(dynamo));

    const s3Directory = options.dataDir
      ? path.join(options.dataDir, 's3')
      : await mkdtemp(path.join(tmpdir(), 'serverless-infra-s3-'));
    if (!options.dataDir) stops.push(() => rm(s3Directory, { recursive: true, force: true }));
    await mkdir(s3Directory, { recursive: true });
    const s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: s3Directory,
      configureBuckets: [{ name: names.bucketName }],
    });
    const s3Address = await s3.run();
    stops.push(() => s3.close());

    const sns = await startSnsSink(options.onPublish ?? (() => {}));
    stops.push(() => sns.stop());

    const env: Record<string, string> = {
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3Address.port}`,
      AWS_ENDPOINT_URL_SNS: sns.endpoint,
      // s3rver accepts only these; dynalite and the SNS stand-in accept anything.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: region,
      [RUNTIME_ENV.tableName]: names.tableName,
      [RUNTIME_ENV.statusIndex]: TABLE_KEYS.statusIndex.name,
      [RUNTIME_ENV.bucketName]: names.bucketName,
      [RUNTIME_ENV.topicArn]: names.topicArn,
      [RUNTIME_ENV.environment]: 'Development',
    };
    await ensureTable(env, names);
    return { names, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The items table as the stack defines it: key `id`, GSI byStatus (status, createdAt), on demand. */
async function ensureTable(env: Record<string, string>, names: LocalStoreNames): Promise<void> {
  const { DynamoDBClient, CreateTableCommand, ResourceInUseException } = await import(
    '@aws-sdk/client-dynamodb'
  );
  const client = new DynamoDBClient({
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
    region: names.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { partitionKey, statusIndex } = TABLE_KEYS;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: names.tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: partitionKey, AttributeType: 'S' },
          { AttributeName: statusIndex.partitionKey, AttributeType: 'S' },
          { AttributeName: statusIndex.sortKey, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: statusIndex.name,
            KeySchema: [
              { AttributeName: statusIndex.partitionKey, KeyType: 'HASH' },
              { AttributeName: statusIndex.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
}
