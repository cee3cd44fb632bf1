import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StripeEndpoint } from '../server/src/hub/connectors/stripe.ts';

/** A request the proxy saw: how the SDK called Stripe. */
export interface StripeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The form-encoded body as parameters (Stripe's v1 API takes form bodies). */
  form: URLSearchParams;
  idempotencyKey: string | undefined;
}

/** What the proxy answers in Stripe's place: a status and a body, or no answer at all. */
export type StripeAnswer = { status: number; body: unknown } | 'hang';

/**
 * stripe-stateful-mock behind a proxy that passes each request on, records it, and can answer the
 * next ones itself (a Stripe outage, a 429, a refused key, a request never answered) or change the
 * mock's answer (a charge in a state the mock never makes): for the connector's error and
 * edge-state paths, over real HTTP, with the SDK unchanged.
 */
export interface StripeProxy {
  endpoint: StripeEndpoint;
  requests: StripeRequest[];
  /** The next API calls are answered with these, one each, instead of by the mock. */
  answerNext(...answers: StripeAnswer[]): void;
  /** Rewrites the mock's JSON answers to requests whose path starts with `prefix` (until reset). */
  rewrite(prefix: string, change: (body: Record<string, unknown>) => Record<string, unknown>): void;
  /** Answers every request to `path` itself (until reset): a listing the mock cannot make. */
  serve(path: string, answer: (request: StripeRequest) => { status: number; body: unknown }): void;
  reset(): void;
  stop(): Promise<void>;
}

export async function startStripeProxy(target: StripeEndpoint): Promise<StripeProxy> {
  const requests: StripeRequest[] = [];
  let answers: StripeAnswer[] = [];
  let rewrites: { prefix: string; change: (body: Record<string, unknown>) => Record<string, unknown> }[] = [];
  let served = new Map<string, (request: StripeRequest) => { status: number; body: unknown }>();
  const hanging = new Set<ServerResponse>();
  const forwarded = ['authorization', 'content-type', 'idempotency-key', 'stripe-version', 'stripe-account'];

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url ?? '/', 'http://localhost');
      const key = request.headers['idempotency-key'];
      const seen: StripeRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        form: new URLSearchParams(text),
        idempotencyKey: typeof key === 'string' ? key : undefined,
      };
      requests.push(seen);
      const server = served.get(url.pathname);
      const scripted = answers.shift() ?? server?.(seen);
      if (scripted === 'hang') {
        hanging.add(response);
        return;
      }
      if (scripted) {
        response.writeHead(scripted.status, { 'content-type': 'application/json' });
        response.end(typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body));
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of forwarded) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      fetch(`${target.protocol}://${target.host}:${target.port}${request.url ?? '/'}`, {
        method: request.method ?? 'GET',
        headers,
        ...(text ? { body: text } : {}),
      })
        .then(async (answer) => {
          let body = await answer.text();
          const rewrite = rewrites.find((candidate) => url.pathname.startsWith(candidate.prefix));
          if (rewrite && answer.ok) body = JSON.stringify(rewrite.change(JSON.parse(body)));
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(body);
        })
        .catch((cause: unknown) => {
          response.writeHead(502, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { type: 'api_error', message: String(cause) } }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: { host: '127.0.0.1', port, protocol: 'http' },
    requests,
    answerNext(...next) {
      answers.push(...next);
    },
    rewrite(prefix, change) {
      rewrites.push({ prefix, change });
    },
    serve(path, answer) {
      served.set(path, answer);
    },
    reset() {
      answers = [];
      rewrites = [];
      served = new Map();
      requests.length = 0;
    },
    async stop() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
