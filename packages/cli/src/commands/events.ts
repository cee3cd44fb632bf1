import type { Context } from '../context.ts';

/** `sluice events list`: the merchant's newest events. */
export async function eventsList(context: Context, options: { limit: string; type?: string }): Promise<void> {
  const spinner = context.spinner('Loading events…');
  const page = await context.sluice.get('/v1/events', {
    params: {
      query: { limit: Number(options.limit), ...(options.type ? { type: options.type as never } : {}) },
    },
  });
  spinner.stop();
  if (context.json) return context.print('', page);
  const lines = page.data.map(
    (event) => `${event.id}  ${event.type.padEnd(20)}  ${new Date(event.created * 1000).toISOString()}`,
  );
  context.print(lines.length ? lines.join('\n') : 'No events.', page);
}

/** `sluice events resend EVENT`: delivers the event again to the merchant's webhook endpoints (or one). */
export async function eventsResend(
  context: Context,
  id: string,
  options: { endpoint?: string },
): Promise<void> {
  const spinner = context.spinner(`Resending ${id}…`);
  const result = await context.sluice.post('/v1/events/{id}/redeliver', {
    params: { path: { id } },
    body: options.endpoint ? { endpoint: options.endpoint } : {},
  });
  spinner.stop();
  const lines = result.data.map(
    (delivery) => `  ${delivery.id} -> ${delivery.endpoint} (${delivery.status})`,
  );
  context.print(
    lines.length ? `Resent ${id}:\n${lines.join('\n')}` : `${id} has no enabled endpoint subscribed to it.`,
    result,
  );
}
