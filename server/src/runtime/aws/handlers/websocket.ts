import { GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { AppError, isAppError } from '../../../kernel/errors.ts';
import { merchantAudience, type RealtimeMessage } from '../../../platform/realtime.ts';
import { storeRateLimiter } from '../../../identity/index.ts';
import { apiKeySecretPrefix, authenticateApiKey, merchantAuthenticator } from '../../../payments/index.ts';
import { decodeJwt } from 'jose';
import type { StreamKey, StreamMember } from '../apigw-realtime.ts';
import { awsPlatform, buildDuringInit } from '../platform.ts';

/** `$connect` carries the handshake's headers and query string, which the generic type leaves out. */
export type WebSocketConnectEvent = APIGatewayProxyWebsocketEventV2 & {
  headers?: Record<string, string | undefined>;
};

/** The subprotocol a browser offers with its token (`new WebSocket(url, ['bearer', token])`), echoed back when chosen. */
const bearerProtocol = 'bearer';
/** Far longer than any token we accept; anything bigger is refused before it is parsed. */
const maxTokenLength = 8192;

buildDuringInit(awsPlatform);

/**
 * WebSocket `$connect`: the socket belongs to the user of the access token it presents, never to
 * a user the client names. The token comes from `?token=` or, for clients that cannot put it in
 * the URL, the subprotocols `bearer, <token>`. A missing or bad token refuses the upgrade (401).
 *
 * @example
 * await connect({ requestContext: { connectionId: 'abc=', routeKey: '$connect', … }, queryStringParameters: { token } });
 */
export async function connect(event: WebSocketConnectEvent): Promise<APIGatewayProxyStructuredResultV2> {
  const platform = awsPlatform();
  // Not through CloudFront (the execute-api URL called directly, skipping the WAF): refused.
  if (!(await platform.fromDistribution(event.headers))) return { statusCode: 403, body: 'Forbidden' };
  const offered =
    headerOf(event.headers, 'sec-websocket-protocol')
      ?.split(',')
      .map((p) => p.trim()) ?? [];
  const fromProtocol = offered[0] === bearerProtocol ? offered[1] : undefined;
  const token =
    bearerOf(headerOf(event.headers, 'authorization')) ?? event.queryStringParameters?.token ?? fromProtocol;
  const merchant = headerOf(event.headers, 'sluice-merchant') ?? event.queryStringParameters?.merchant;
  if (!token || token.length > maxTokenLength) return unauthorized();
  let userId: string;
  let apiKey: StreamKey | undefined;
  let member: StreamMember | undefined;
  try {
    // A merchant credential (a key, or a token naming a merchant) opens the merchant's stream.
    if (merchant !== undefined || token.startsWith(apiKeySecretPrefix)) {
      const merchantId = await merchantStream(platform)(token, merchant);
      userId = merchantAudience(merchantId);
      if (token.startsWith(apiKeySecretPrefix)) apiKey = await streamKeyOf(platform, token);
      else {
        const principal = await platform.identity.verifyAccessToken(token);
        member = { merchantId, userId: principal.userId, email: principal.email };
      }
    } else userId = (await platform.identity.verifyAccessToken(token)).userId;
  } catch (error) {
    // Anything else (the signing keys unreachable) is ours: a 500, and the client retries.
    if (isAppError(error) && refusedCredential.has(error.code)) return unauthorized();
    throw error;
  }
  // A socket opened with an access token is closed when the token expires (ws-expire); one opened
  // with an API key when the key is revoked, and a merchant's stream opened with a member's token
  // when they leave the team (ws-expire checks both each minute).
  await platform.connections.add(event.requestContext.connectionId, userId, {
    closeAt: expiryOf(token),
    apiKey,
    member,
  });
  return {
    statusCode: 200,
    ...(fromProtocol === token ? { headers: { 'Sec-WebSocket-Protocol': bearerProtocol } } : {}),
  };
}

/**
 * WebSocket `$disconnect`: forgets the connection (best effort on AWS's side, so realtime also
 * drops a connection that answers `GoneException`).
 *
 * @example
 * await disconnect({ requestContext: { connectionId: 'abc=', routeKey: '$disconnect', … } });
 */
export async function disconnect(
  event: APIGatewayProxyWebsocketEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  await awsPlatform().connections.remove(event.requestContext.connectionId);
  return { statusCode: 200 };
}

/**
 * WebSocket `$default`: answers `{"type":"ping"}` with `{"type":"pong"}` (browsers cannot send
 * protocol pings) and ignores everything else: clients only listen.
 *
 * @example
 * await message({ requestContext: { connectionId: 'abc=', routeKey: '$default', … }, body: '{"type":"ping"}' });
 */
export async function message(
  event: APIGatewayProxyWebsocketEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (messageType(event.body) !== 'ping') return { statusCode: 200 };
  const pong: RealtimeMessage = { type: 'pong', data: {} };
  try {
    await awsPlatform().clients.apiGateway.send(
      new PostToConnectionCommand({
        ConnectionId: event.requestContext.connectionId,
        Data: new TextEncoder().encode(JSON.stringify(pong)),
      }),
    );
  } catch (error) {
    if (!(error instanceof GoneException)) throw error;
  }
  return { statusCode: 200 };
}

function unauthorized(): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 401,
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    body: 'Unauthorized',
  };
}

let merchantGate: ReturnType<typeof merchantAuthenticator> | undefined;
/** The merchant API's own authentication (`requireMerchant`), built once per container. */
function merchantStream(platform: ReturnType<typeof awsPlatform>) {
  merchantGate ??= merchantAuthenticator({ ...platform, rateLimiter: storeRateLimiter(platform.store) });
  return merchantGate;
}

/**
 * The key a stream is opened with (its id and merchant, never its secret), so ws-expire can check
 * it again. The merchant gate has just verified it, so this is its cached grant, not a store read.
 */
async function streamKeyOf(platform: ReturnType<typeof awsPlatform>, secret: string): Promise<StreamKey> {
  const grant = await authenticateApiKey(platform, secret);
  // Revoked in the instant since the gate let it through.
  if (!grant) throw new AppError('invalid_api_key', 'the API key is invalid or revoked');
  return { id: grant.keyId, merchantId: grant.merchantId };
}

/** A credential these codes refuse is the client's fault: 401, not a 500 it would retry. */
const refusedCredential = new Set([
  'invalid_token',
  'token_expired',
  'invalid_api_key',
  'validation_failed',
  'not_found',
]);

function bearerOf(header: string | undefined): string | undefined {
  return /^Bearer +([^\s]+) *$/i.exec(header ?? '')?.[1];
}

function headerOf(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

function messageType(body: string | undefined): unknown {
  if (!body || body.length > 1024) return undefined;
  try {
    return (JSON.parse(body) as { type?: unknown } | null)?.type;
  } catch {
    return undefined;
  }
}

/** When a JWT the identity has just accepted expires (unix seconds); undefined for an API key. */
function expiryOf(token: string): number | undefined {
  if (token.split('.').length !== 3) return undefined;
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}
