import { describe, expect, it } from 'vitest';
import { createEvent } from '../kernel/events.ts';
import { maxEndpointsPerMerchant, maxRedeliveriesPerEvent } from './model.ts';
import { buildWebhooks } from './test-support.ts';

describe('webhook limits', () => {
  it(`allows a merchant at most ${maxEndpointsPerMerchant} endpoints, even when they are created at once`, async () => {
    const { call } = buildWebhooks();
    const create = (n: number) =>
      call('POST', '/v1/webhook-endpoints', { url: `http://127.0.0.1:4000/h${n}`, events: ['*'] });
    const results = await Promise.all(
      Array.from({ length: maxEndpointsPerMerchant + 8 }, (_, n) => create(n)),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(maxEndpointsPerMerchant);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(8);
    for (const r of refused)
      expect(r).toMatchObject({ status: 409, body: { error: { code: 'endpoint_limit_reached' } } });
    const listed = await call('GET', '/v1/webhook-endpoints?limit=100');
    expect(listed.body.data).toHaveLength(maxEndpointsPerMerchant);
    // Another merchant has its own allowance; a deleted endpoint frees a place.
    expect(
      (
        await call(
          'POST',
          '/v1/webhook-endpoints',
          { url: 'http://127.0.0.1:4000/x', events: ['*'] },
          'mer_B',
        )
      ).status,
    ).toBe(201);
    expect((await call('DELETE', `/v1/webhook-endpoints/${listed.body.data[0].id}`)).status).toBe(200);
    expect((await create(99)).status).toBe(201);
    expect((await create(100)).status).toBe(409);
  });

  it(`refuses to redeliver an event more than ${maxRedeliveriesPerEvent} times over, and writes nothing when it refuses`, async () => {
    const { call, emit, clock } = buildWebhooks();
    const endpoints: string[] = [];
    for (let n = 0; n < maxEndpointsPerMerchant; n++)
      endpoints.push(
        (await call('POST', '/v1/webhook-endpoints', { url: `http://127.0.0.1:4000/h${n}`, events: ['*'] }))
          .body.id,
      );
    const event = createEvent({
      type: 'payment.captured',
      source: 'payments',
      subject: 'pay_1',
      data: { object: { id: 'pay_1', object: 'payment' } },
      merchant: 'mer_A',
      now: clock.now(),
    });
    await emit([event]);
    const deliveries = async () =>
      (await call('GET', `/v1/events/${event.id}/deliveries?limit=100`)).body.data.length as number;
    expect(await deliveries()).toBe(maxEndpointsPerMerchant); // the fan-out itself does not count

    let redelivered = 0;
    while (redelivered + maxEndpointsPerMerchant <= maxRedeliveriesPerEvent) {
      const all = await call('POST', `/v1/events/${event.id}/redeliver`, {});
      expect(all.status).toBe(202);
      redelivered += all.body.data.length;
    }
    const over = await call('POST', `/v1/events/${event.id}/redeliver`, {});
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'redelivery_limit_reached', param: 'id' });
    expect(await deliveries()).toBe(maxEndpointsPerMerchant + redelivered);
    // What is left of the allowance can still go to one endpoint at a time.
    while (redelivered < maxRedeliveriesPerEvent) {
      const one = await call('POST', `/v1/events/${event.id}/redeliver`, { endpoint: endpoints[0] });
      expect(one.status).toBe(202);
      redelivered++;
    }
    expect((await call('POST', `/v1/events/${event.id}/redeliver`, { endpoint: endpoints[0] })).status).toBe(
      409,
    );
    expect(await deliveries()).toBe(maxEndpointsPerMerchant + maxRedeliveriesPerEvent);
  });
});
