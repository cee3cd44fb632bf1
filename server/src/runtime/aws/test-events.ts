import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

// Events as API Gateway sends them to the Lambda handlers, for the tests that invoke the handlers
// in process (lambda-edge.test.ts, front-door.test.ts).

const region = 'us-east-1';

export const lambdaContext = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'sluice-http-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:sluice-http-api`,
  memoryLimitInMB: '1024',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/sluice-http-api',
  logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 29_000,
  done() {},
  fail() {},
  succeed() {},
} satisfies Context;

/** An API Gateway HTTP API (payload 2.0) request; `base64` sends the body the way binary bodies arrive. */
export function httpEvent(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ''] = path.split('?') as [string, string?];
  const headers: Record<string, string> = {
    host: 'api0123.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'lambda-edge-test',
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    accept: 'application/json',
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const text = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (text !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(text));
  }
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString
      ? { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)) }
      : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'api0123',
      domainName: headers.host!,
      domainPrefix: 'api0123',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'lambda-edge-test',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: text === undefined ? undefined : options.base64 ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: text !== undefined && options.base64 === true,
  };
}
