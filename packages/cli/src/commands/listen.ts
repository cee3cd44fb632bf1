import { randomBytes } from 'node:crypto';
import { signatureHeader, signPayload } from '@sluice/sdk';
import { CliError, exitCodes, type Context } from '../context.ts';
import { openStream } from '../stream.ts';

export interface ListenOptions {
  forwardTo: string;
  events?: string;
  /** A fixed secret instead of a fresh one (to keep a receiver's config across sessions). */
  secret?: string;
}

/** `payment.captured`, `payment.*` or `*`, comma-separated; nothing given means everything. */
export function eventFilter(list: string | undefined): (type: string) => boolean {
  const patterns = (list ?? '')
    .split(',')
    .map((pattern) => pattern.trim())
    .filter(Boolean);
  if (patterns.length === 0) return () => true;
  return (type) =>
    patterns.some((pattern) =>
      pattern === '*'
        ? true
        : pattern.endsWith('.*')
          ? type.startsWith(pattern.slice(0, -1))
          : type === pattern,
    );
}

/**
 * `sluice listen --forward-to URL`: receives the merchant's events over its realtime stream and
 * POSTs each, exactly as a webhook endpoint would get it, to `URL`, signed with a secret made for
 * this session (printed at start: give it to the receiver's `verify`). Prints each event with
 * the receiver's answer. Runs until interrupted.
 */
export async function listen(context: Context, options: ListenOptions, signal: AbortSignal): Promise<void> {
  let target: URL;
  try {
    target = new URL(options.forwardTo);
  } catch {
    throw new CliError(`--forward-to must be a URL: ${options.forwardTo}`, exitCodes.usage);
  }
  const secret = options.secret ?? `whsec_${randomBytes(24).toString('hex')}`;
  const wanted = eventFilter(options.events);
  const spinner = context.spinner(`Connecting to ${context.api}…`);
  await openStream({
    api: context.api,
    credentials: context.credentials,
    signal,
    onReady: (ready, reconnected) => {
      spinner.stop();
      if (reconnected) return context.print('Reconnected.', { type: 'reconnected' });
      context.print(
        `Ready! Forwarding ${options.events ?? 'all events'} for ${ready.merchant_id ?? 'your merchant'} to ${target.href}\n` +
          `Your webhook signing secret is ${secret} (^C to quit)`,
        { type: 'ready', merchant: ready.merchant_id ?? null, forward_to: target.href, secret },
      );
    },
    onDisconnect: (delayMs, reason) => {
      if (!context.json) process.stderr.write(`Disconnected (${reason}); reconnecting in ${delayMs} ms…\n`);
    },
    onMessage: (message) => {
      if (message.type !== 'event') return;
      const event = message.data as { id: string; type: string };
      if (!wanted(event.type)) return;
      void forward(context, target, secret, event);
    },
  });
}

async function forward(context: Context, target: URL, secret: string, event: { id: string; type: string }) {
  const body = JSON.stringify(event);
  const started = performance.now();
  const timestamp = Math.floor(Date.now() / 1000);
  let status: number | null = null;
  let failure: string | null = null;
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'sluice-cli',
        [signatureHeader]: await signPayload(body, [secret], timestamp),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    failure =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  }
  const ms = Math.round(performance.now() - started);
  const time = new Date().toISOString().slice(11, 19);
  context.print(
    `${time}  --> ${event.type} [${event.id}]\n${time}  <-- [${status ?? 'ERR'}] POST ${target.href} [${event.id}] ${failure ?? `${ms} ms`}`,
    {
      type: 'forwarded',
      event: { id: event.id, type: event.type },
      url: target.href,
      status,
      error: failure,
      duration_ms: ms,
    },
  );
}
