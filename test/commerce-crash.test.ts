import { afterEach, expect, it, vi } from 'vitest';
import {
  audit,
  call,
  makeTempDir,
  mapLimit,
  removeDir,
  signUp,
  signUpMany,
  startServer,
  wallet,
  type ServerProcess,
} from './server-process.ts';

/**
 * Recovery: the server is killed with SIGKILL while 20 checkouts run their sagas (in process);
 * after the restart every order ends paid or failed, none stays processing, the stock sold equals
 * the orders paid, and every buyer's wallet shows exactly their paid orders, with nothing on hold.
 */
const adminEmail = `admin-${process.pid}@example.com`;
const bonus = 100_000;
const price = 1000;
const servers: ServerProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
  await Promise.all(dirs.splice(0).map((d) => removeDir(d)));
});

it('finishes or compensates every checkout a SIGKILL interrupted, once restarted', {
  timeout: 300_000,
}, async () => {
  const dataDir = await makeTempDir('sluice-commerce-crash-');
  dirs.push(dataDir);
  const options = { dataDir, adminEmails: [adminEmail], signupBonus: bonus };
  const first = await startServer(options);
  servers.push(first);
  const admin = await signUp(first.url, { email: adminEmail, name: 'admin' });
  const created = await call(first.url, 'POST', '/v1/products', {
    token: admin.token,
    body: { name: 'Crash mug', price, currency: 'USD', stock: 10, category: 'crash' },
  });
  expect(created.status).toBe(201);
  const productId = (created.json as { id: string }).id;
  const buyers = await signUpMany(first.url, 20, { concurrency: 8, name: 'buyer' });
  await mapLimit(buyers.length, 8, async (i) => {
    const buyer = buyers[i]!;
    await wallet(first.url, buyer.token); // opens it, with the bonus
    const added = await call(first.url, 'POST', '/v1/cart/items', {
      token: buyer.token,
      body: { product_id: productId, quantity: 1 },
    });
    expect(added.status).toBe(200);
  });

  // 20 checkouts at once; the server dies as soon as they are all accepted, sagas in flight.
  const accepted = await Promise.all(
    buyers.map((buyer, i) =>
      call(first.url, 'POST', '/v1/checkout', {
        token: buyer.token,
        headers: { 'idempotency-key': `crash-${i}` },
        body: {
          shipping_address: {
            name: 'Crash',
            line1: '1 Kill St',
            city: 'Sigville',
            postal_code: '9',
            country: 'US',
          },
          payment_method: { type: 'wallet' },
        },
      }),
    ),
  );
  await first.kill('SIGKILL');
  expect(accepted.map((response) => response.status)).toEqual(buyers.map(() => 202));
  const orderIds = accepted.map((response) => (response.json as { id: string }).id);

  const second = await startServer(options);
  servers.push(second);
  const statuses = new Array<string>(orderIds.length);
  const readStatuses = async () => {
    await mapLimit(orderIds.length, 8, async (i) => {
      const order = await call(second.url, 'GET', `/v1/orders/${orderIds[i]}`, { token: buyers[i]!.token });
      statuses[i] = (order.json as { status: string }).status;
    });
    return statuses;
  };
  // How many the restart found unfinished (the first look), for the figures in the report.
  await readStatuses();
  console.info(
    `after the restart: ${statuses.filter((status) => status === 'processing').length} of ${statuses.length} orders still processing`,
  );
  // The server's recovery job resumes them; every order ending is what the test waits for, the
  // deadline only guards against a hang (the restart's sagas run in another process).
  await vi.waitFor(async () => expect(await readStatuses()).not.toContain('processing'), {
    timeout: 240_000,
    interval: 100,
  });

  const paid = statuses.filter((status) => status === 'paid').length;
  expect(statuses.every((status) => status === 'paid' || status === 'failed')).toBe(true);
  expect(paid).toBe(10);
  const product = await call(second.url, 'GET', `/v1/products/${productId}`);
  expect((product.json as { stock: number }).stock).toBe(10 - paid);
  for (const [i, buyer] of buyers.entries()) {
    const balance = await wallet(second.url, buyer.token);
    expect(balance.available).toBe(statuses[i] === 'paid' ? bonus - price : bonus);
    expect(balance.pending).toBe(0);
  }
  const report = await audit(second.url, admin.token);
  expect(report.balanced).toBe(true);
});
