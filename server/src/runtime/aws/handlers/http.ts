import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { createApp } from '../../../app/create-app.ts';
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
 * runs, translated by `hono/aws-lambda`.
 *
 * @example
 * const response = await handler({ version: '2.0', rawPath: '/health', requestContext: { http: { method: 'GET' } }, … }, context);
 */
export function handler(event: APIGatewayProxyEventV2, context: Context): ReturnType<HonoLambdaHandler> {
  // Hono declares its own copy of the API Gateway event types; the shapes are the same.
  return honoHandler()(
    event as unknown as Parameters<HonoLambdaHandler>[0],
    context as unknown as Parameters<HonoLambdaHandler>[1],
  );
}
