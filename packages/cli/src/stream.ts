import WebSocket from 'ws';
import type { Credentials } from './config.ts';
import { CliError, exitCodes } from './context.ts';

/** A message on the merchant stream: `event` (a webhook event), `request` (an API log line), or control. */
export interface StreamMessage {
  type: string;
  id?: string;
  time?: string;
  data: unknown;
}

export interface StreamOptions {
  api: string;
  credentials: Credentials;
  onMessage(message: StreamMessage): void;
  /** The server accepted the stream (again, after a reconnect). */
  onReady(ready: { merchant_id?: string; expires_at?: string }, reconnected: boolean): void;
  /** The connection dropped; reconnecting in `delayMs`. */
  onDisconnect?(delayMs: number, reason: string): void;
  signal: AbortSignal;
}

/** `/v1/realtime` on the API's host, ws:// or wss://: `npm start` and a deployed stage's CloudFront alike. */
export function realtimeUrl(api: string): string {
  const url = new URL(`${api}/v1/realtime`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Browsers cannot send protocol pings and API Gateway closes idle sockets after 10 minutes. */
const pingIntervalMs = 25_000;
const maxReconnectDelayMs = 10_000;

/**
 * Holds the merchant's realtime stream open until `signal` aborts, reconnecting with backoff
 * when it drops. The credential goes in headers (`Authorization`, `Sluice-Merchant`), never the
 * URL, so no proxy log holds the key. Rejects with exit code 3 when the credential is refused.
 *
 * @example
 * await openStream({ api, credentials, onMessage: print, onReady: () => {}, signal });
 */
export async function openStream(options: StreamOptions): Promise<void> {
  let attempt = 0;
  let hasBeenReady = false;
  while (!options.signal.aborted) {
    const outcome = await connectOnce(options, hasBeenReady);
    if (outcome.ready) {
      hasBeenReady = true;
      attempt = 0;
    }
    if (options.signal.aborted) return;
    if (outcome.refused)
      throw new CliError(`the stream was refused: ${outcome.reason}`, exitCodes.unauthenticated);
    const delayMs = Math.min(maxReconnectDelayMs, 500 * 2 ** attempt);
    attempt += 1;
    options.onDisconnect?.(delayMs, outcome.reason);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

interface Outcome {
  ready: boolean;
  refused: boolean;
  reason: string;
}

function connectOnce(options: StreamOptions, reconnected: boolean): Promise<Outcome> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.credentials.api_key ?? options.credentials.token ?? ''}`,
  };
  if (!options.credentials.api_key && options.credentials.merchant)
    headers['sluice-merchant'] = options.credentials.merchant;
  // The credential also rides as the `bearer, <credential>` subprotocols, which a CDN in front
  // of API Gateway forwards whatever it does with `Authorization` (never in the URL: access logs).
  const credential = options.credentials.api_key ?? options.credentials.token ?? '';
  const socket = new WebSocket(realtimeUrl(options.api), ['bearer', credential], {
    headers,
    handshakeTimeout: 15_000,
  });
  return new Promise((resolve) => {
    let ready = false;
    let settled = false;
    const finish = (outcome: Omit<Outcome, 'ready'>) => {
      if (settled) return;
      settled = true;
      clearInterval(ping);
      options.signal.removeEventListener('abort', abort);
      resolve({ ready, ...outcome });
    };
    const abort = () => {
      socket.close(1000, 'bye');
      finish({ refused: false, reason: 'stopped' });
    };
    options.signal.addEventListener('abort', abort);
    const ping = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'ping' }));
    }, pingIntervalMs);
    // The local server says `ready`; API Gateway cannot speak first, so its `pong` to this ping
    // is the sign the stream is up there.
    socket.on('open', () => socket.send(JSON.stringify({ type: 'ping' })));
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      socket.terminate();
      // A 4xx will not change by asking again (a bad key, a merchant not yours); a 5xx may.
      finish({ refused: status >= 400 && status < 500 && status !== 429, reason: `HTTP ${status}` });
    });
    socket.on('message', (raw) => {
      let message: StreamMessage;
      try {
        message = JSON.parse(String(raw)) as StreamMessage;
      } catch {
        return;
      }
      if (message.type === 'ready' || (message.type === 'pong' && !ready)) {
        if (ready) return;
        ready = true;
        options.onReady(
          message.type === 'ready' ? (message.data as { merchant_id?: string }) : {},
          reconnected,
        );
      } else if (message.type !== 'pong') {
        options.onMessage(message);
      }
    });
    socket.on('close', (code, reason) => {
      finish({
        refused: code === 4401,
        reason: `closed ${code}${reason.length ? ` ${String(reason)}` : ''}`,
      });
    });
    socket.on('error', (error) => {
      finish({ refused: false, reason: error.message });
    });
  });
}
