import { SluiceCardError, type Sluice } from '@sluice/sdk';
import { CliError, exitCodes, type Context } from '../context.ts';

/** An object a trigger created, for the output. */
interface Made {
  object: string;
  id: string;
}

interface Trigger {
  description: string;
  run(sluice: Sluice): Promise<Made[]>;
}

const testCard = (number: string) => ({
  number,
  exp_month: 12,
  exp_year: new Date().getUTCFullYear() + 3,
  cvc: '123',
});

async function charge(sluice: Sluice, options: { capture?: boolean; card?: string } = {}) {
  return sluice.post('/v1/payments', {
    body: {
      amount: 2000,
      currency: 'USD',
      card: testCard(options.card ?? '4242424242424242'),
      capture: options.capture ?? true,
      description: 'sluice trigger',
    },
  });
}

async function disputed(sluice: Sluice): Promise<{ payment: string; dispute: string }> {
  const { id } = await charge(sluice, { card: '4000000000000259' });
  // The cardholder disputes it just after it succeeds, in a transaction of its own.
  const deadline = Date.now() + waitMs;
  for (;;) {
    const payment = await sluice.get('/v1/payments/{id}', { params: { path: { id } } });
    if (payment.dispute) return { payment: id, dispute: payment.dispute };
    if (Date.now() > deadline) throw new CliError(`payment ${id} was not disputed`, exitCodes.failure);
    await pause();
  }
}

/**
 * The events `sluice trigger` can produce, each by creating what produces it through the public
 * API, as an integration would: a payment (the sandbox's test cards choose the outcome), a
 * refund, a dispute, a settlement by moving the merchant's test clock past midnight.
 */
export const triggers: Record<string, Trigger> = {
  'payment.captured': {
    description: 'a card payment, captured at once (4242…)',
    run: async (sluice) => [{ object: 'payment', id: (await charge(sluice)).id }],
  },
  'payment.authorized': {
    description: 'a card payment authorized with capture=false',
    run: async (sluice) => [{ object: 'payment', id: (await charge(sluice, { capture: false })).id }],
  },
  'payment.voided': {
    description: 'an authorization, then voided',
    run: async (sluice) => {
      const payment = await charge(sluice, { capture: false });
      await sluice.post('/v1/payments/{id}/void', { params: { path: { id: payment.id } } });
      return [{ object: 'payment', id: payment.id }];
    },
  },
  'payment.failed': {
    description: 'a card payment declined (4000 0000 0000 0002)',
    run: async (sluice) => {
      try {
        await charge(sluice, { card: '4000000000000002' });
      } catch (error) {
        if (!(error instanceof SluiceCardError)) throw error;
        return [{ object: 'payment', id: String(error.raw.payment_id ?? '') }];
      }
      throw new CliError('the decline card was not declined', exitCodes.failure);
    },
  },
  'refund.succeeded': {
    description: 'a captured payment, then refunded in full',
    run: async (sluice) => {
      const payment = await charge(sluice);
      const refund = await sluice.post('/v1/refunds', { body: { payment: payment.id } });
      return [
        { object: 'payment', id: payment.id },
        { object: 'refund', id: refund.id },
      ];
    },
  },
  'dispute.created': {
    description: 'a payment with the dispute test card (4000 0000 0000 0259)',
    run: async (sluice) => {
      const { payment, dispute } = await disputed(sluice);
      return [
        { object: 'payment', id: payment },
        { object: 'dispute', id: dispute },
      ];
    },
  },
  'dispute.closed': {
    description: 'a dispute, then accepted (lost)',
    run: async (sluice) => {
      const { payment, dispute } = await disputed(sluice);
      await sluice.post('/v1/disputes/{id}/accept', { params: { path: { id: dispute } } });
      return [
        { object: 'payment', id: payment },
        { object: 'dispute', id: dispute },
      ];
    },
  },
  'payout.settled': {
    description: "a captured payment, then the merchant's test clock moved a day on, which settles it",
    run: async (sluice) => {
      const payment = await charge(sluice);
      const clock = await sluice.post('/v1/test-helpers/advance-clock', { body: { seconds: 86_400 } });
      return [
        { object: 'payment', id: payment.id },
        { object: 'test_clock', id: clock.sandbox_time },
      ];
    },
  },
};

/** Names developers reach for (Stripe's, or the brief's), to the event they mean. */
export const triggerAliases: Record<string, string> = {
  'payment.succeeded': 'payment.captured',
  'payment_intent.succeeded': 'payment.captured',
  'payment.refunded': 'refund.succeeded',
  'charge.refunded': 'refund.succeeded',
  'charge.dispute.created': 'dispute.created',
  settlement: 'payout.settled',
  'settlement.paid': 'payout.settled',
};

/** How long to wait for the event to be recorded. */
const waitMs = 30_000;

/**
 * `sluice trigger EVENT`: makes the objects that produce EVENT, then waits (spinner) until the
 * event is in the merchant's event log, and prints it. Exit 2 for an unknown event.
 */
export async function trigger(context: Context, name: string): Promise<void> {
  const type = triggerAliases[name] ?? name;
  const chosen = triggers[type];
  if (!chosen)
    throw new CliError(
      `unknown event ${name}; supported: ${[...Object.keys(triggers), ...Object.keys(triggerAliases)].join(', ')}`,
      exitCodes.usage,
    );
  const spinner = context.spinner(`Triggering ${type}: ${chosen.description}…`);
  try {
    const before = await newestEventId(context.sluice);
    const made = await chosen.run(context.sluice);
    spinner.update(`Waiting for ${type}…`);
    const event = await waitForEvent(context.sluice, type, before);
    spinner.success(`Triggered ${type}`);
    context.print(
      [...made.map((m) => `  ${m.object}: ${m.id}`), `  event: ${event.id} (${event.type})`].join('\n'),
      { event: { id: event.id, type: event.type }, objects: made },
    );
  } catch (error) {
    spinner.error(`Could not trigger ${type}`);
    throw error;
  }
}

async function newestEventId(sluice: Sluice): Promise<string> {
  const page = await sluice.get('/v1/events', { params: { query: { limit: 1 } } });
  return page.data[0]?.id ?? '';
}

/** The newest event of `type` after `after` (event ids sort by time), polling the event log. */
async function waitForEvent(sluice: Sluice, type: string, after: string) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const page = await sluice.get('/v1/events', { params: { query: { limit: 10, type: type as never } } });
    const event = page.data.find((candidate) => candidate.id > after);
    if (event) return event;
    if (Date.now() > deadline)
      throw new CliError(`no ${type} event was recorded within ${waitMs / 1000} s`, exitCodes.failure);
    await pause();
  }
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 250));
