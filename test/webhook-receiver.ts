import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a `WebhookReceiver` got. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The `Sluice-Signature` header, '' when absent. */
  signature: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`; append a path. */
  url: string;
  /** Everything received so far, in arrival order. */
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback that records every request and answers 200, the way a
 * merchant's webhook endpoint does: what the tests point webhook endpoints at.
 *
 * @example
 * const receiver = await startWebhookReceiver();
 * await api('POST', '/v1/webhook-endpoints', { url: `${receiver.url}/hooks`, enabled_events: ['*'] });
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        signature: String(request.headers['sluice-signature'] ?? ''),
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
