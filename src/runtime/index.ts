/**
 * The items API: the Lambda handler behind API Gateway (REST, proxy integration). Bundled on its own by the
 * package build (esbuild, AWS SDK from the Lambda runtime); it imports nothing from the CLI.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { authorizeWrite } from './access.js';
import { readConfig } from './config.js';
import { HEALTH_PATH, WRITE_METHODS } from './contract.js';
import { methodNotAllowed, toErrorResult } from './errors.js';
import { createItemsApi } from './items-api.js';
import { ItemsRepository } from './items-repository.js';
import { createLogger, errorFields } from './logger.js';
import { MetadataStore } from './metadata-store.js';
import { Notifications } from './notifications.js';
import { toApiRequest } from './request.js';
import { preflightResult, withCommonHeaders } from './response.js';
import { matchRoute } from './router.js';

// Created once per instance (cold start) and reused by every invocation.
const config = readConfig();
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
  // Numbers come back as NumberValue (their digits as text): an attribute may hold 38 digits.
  unmarshallOptions: { wrapNumbers: true },
});
const notifications = new Notifications(new SNSClient({}), config.topicArn, config.environment);
const routes = createItemsApi({
  items: new ItemsRepository(db, config.tableName, config.statusIndex),
  metadata: new MetadataStore(new S3Client({}), config.bucketName),
  notifications,
});

export async function handler(
  event: APIGatewayProxyEvent,
  context?: Context,
): Promise<APIGatewayProxyResult> {
  const started = Date.now();
  const request = toApiRequest(event ?? {});
  const requestId = event?.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
  const path = String(event?.path ?? '');
  const log = createLogger({
    requestId,
    ...(context?.awsRequestId ? { lambdaRequestId: context.awsRequestId } : {}),
    method: request.method,
    path,
  });

  let result: APIGatewayProxyResult;
  try {
    if (path === HEALTH_PATH && request.method === 'GET') {
      // Never routed by API Gateway: the release hook invokes the version directly. Reads and writes nothing.
      return withCommonHeaders(
        {
          statusCode: 200,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ status: 'ok', version: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? null }),
        },
        { method: request.method, requestId, allowOrigin: config.corsAllowOrigin },
      );
    }
    const route = matchRoute(request.event);
    if (request.method === 'OPTIONS') {
      result = preflightResult(route.methods);
    } else {
      const methods = routes[route.template];
      const run = Object.hasOwn(methods, request.method) ? methods[request.method] : undefined;
      if (!run) throw methodNotAllowed(route.methods);
      if (WRITE_METHODS.has(request.method))
        authorizeWrite(event.requestContext?.authorizer, config.writeAuth);
      result = await run(request, {
        id: route.id,
        sideEffectFailed: (what, error) => {
          log.error(`Item written, but its ${what} failed`, errorFields(error));
          return reportError(`${what} after write`, error);
        },
      });
    }
  } catch (error) {
    const mapped = toErrorResult(error, requestId);
    if (mapped.unexpected) {
      log.error('Unexpected error', errorFields(error));
      await reportError('request', error);
    } else if (mapped.result.statusCode >= 500) {
      log.warn('A store is throttling', errorFields(error));
    }
    result = mapped.result;
  }

  log.info('Request handled', { status: result.statusCode, durationMs: Date.now() - started });
  return withCommonHeaders(result, {
    method: request.method,
    requestId,
    allowOrigin: config.corsAllowOrigin,
  });

  async function reportError(what: string, error: unknown): Promise<void> {
    try {
      await notifications.unexpectedError({
        requestId,
        method: request.method,
        path,
        error: `${what}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      });
    } catch (notifyError) {
      log.error('Could not publish the error notification', errorFields(notifyError));
    }
  }
}
