import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { createApp } from '../../../app/create-app.ts';
import { errorBody } from '../../../http/errors.ts';
import { AppError } from '../../../kernel/errors.ts';
import { newId } from '../../../kernel/ids.ts';
import { awsPlatform, buildDuringInit, type AwsPlatform } from '../platform.ts';
import { createPowertoolsMetrics } from '../powertools.ts';

type HonoLambdaHandler = ReturnType<typeof handle>;
let built: { platform: AwsPlatform; handler: HonoLambdaHandler } | undefined;

/** The app on the platform's ports, built once per platform (once per container, unless a test swaps it). */
function honoHandler(): HonoLambdaHandler {
  const platform = awsPlatform();
  if (built?.platform !== platform) {
    const requestMetrics = createPowertoolsMetrics({ namespace: 'Sluice', serviceName: 'sluice-http' });
    // The app gets the same ports every module of this container got.
    const app = createApp({ ...platform.moduleDeps, modules: platform.modules, requestMetrics });
    built = { platform, handler: handle(app) };
  }
  return built.handler;
}

buildDuringInit(honoHandler);

/**
 * The HTTP API (API Gateway HTTP API, payload format 2.0): the same Hono app the local server
 * runs, translated by `hono/aws-lambda`. A request that did not come through CloudFront (no
 * origin-verify header: someone called the execute-api URL, skipping the WAF) is refused with a
 * 403 in the error envelope before the app sees it.
 *
 * @example
 * const response = await handler({ version: '2.0', rawPath: '/health', requestContext: { http: { method: 'GET' } }, … }, context);
 */
export async function handler(
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<Awaited<ReturnType<HonoLambdaHandler>>> {
  if (!(await awsPlatform().fromDistribution(event.headers))) return notThroughDistribution();
  // Hono declares its own copy of the API Gateway event types; the shapes are the same.
  return honoHandler()(
    event as unknown as Parameters<HonoLambdaHandler>[0],
    context as unknown as Parameters<HonoLambdaHandler>[1],
  );
}

/** 403 `forbidden` in the envelope every error uses, with a `Request-Id` as the app gives. */
function notThroughDistribution(): Awaited<ReturnType<HonoLambdaHandler>> {
  const requestId = newId('request');
  const error = new AppError('forbidden', 'requests must come through the Sluice distribution');
  return {
    statusCode: error.status,
    headers: { 'content-type': 'application/json', 'request-id': requestId },
    body: JSON.stringify(errorBody(error, requestId)),
    isBase64Encoded: false,
  };
}
