import type { Context } from '../context.ts';
import { openStream } from '../stream.ts';

/** One request as the server pushes it (`server/src/http/request-log.ts`). */
interface RequestLine {
  id: string;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  created: string;
  idempotency_key: string | null;
}

/** `sluice logs tail`: the merchant's API requests, live, one line each, until interrupted. */
export async function logsTail(context: Context, signal: AbortSignal): Promise<void> {
  const spinner = context.spinner(`Connecting to ${context.api}…`);
  await openStream({
    api: context.api,
    credentials: context.credentials,
    signal,
    onReady: (ready, reconnected) => {
      spinner.stop();
      if (!reconnected)
        context.print(`Tailing API requests for ${ready.merchant_id ?? 'your merchant'} (^C to quit)`, {
          type: 'ready',
          merchant: ready.merchant_id ?? null,
        });
    },
    onDisconnect: (delayMs, reason) => {
      if (!context.json) process.stderr.write(`Disconnected (${reason}); reconnecting in ${delayMs} ms…\n`);
    },
    onMessage: (message) => {
      if (message.type !== 'request') return;
      const line = message.data as RequestLine;
      context.print(
        `${line.created.slice(11, 19)}  [${line.status}] ${line.method} ${line.path} [${line.id}] ${line.duration_ms} ms`,
        { type: 'request', ...line },
      );
    },
  });
}
