import { afterEach, expect, it } from 'vitest';
import {
  audit,
  call,
  expectTransfersPresent,
  type AcknowledgedTransfer,
  makeTempDir,
  mapLimit,
  removeDir,
  signUp,
  signUpMany,
  startServer,
  transfer,
  wallet,
  type ServerProcess,
} from './server-process.ts';

/**
 * Durability: a transfer acknowledged to a client survives the server being killed with SIGKILL
 * in the middle of a load, and the books still balance after the restart.
 */
const adminEmail = `admin-${process.pid}@example.com`;
const servers: ServerProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
  await Promise.all(dirs.splice(0).map((d) => removeDir(d)));
});

it('keeps every acknowledged transfer across a SIGKILL mid-load', { timeout: 120_000 }, async () => {
  const dataDir = await makeTempDir('sluice-crash-');
  dirs.push(dataDir);
  const options = { dataDir, adminEmails: [adminEmail], signupBonus: 100_000 };
  const first = await startServer(options);
  servers.push(first);

  const admin = await signUp(first.url, { email: adminEmail, name: 'admin' });
  const users = await signUpMany(first.url, 20, { concurrency: 8, name: 'crash' });
  // Open the wallets (pays the bonus) before the load, so the load is transfers only.
  await mapLimit(users.length, 8, async (i) => void (await wallet(first.url, users[i]!.token)));

  const acknowledged: AcknowledgedTransfer[] = [];
  let attempted = 0;
  let failed = 0;
  let stop = false;
  const loadStarted = Date.now();

  // 16 clients, each sending one transfer after another until the server dies under them.
  const load = Promise.all(
    Array.from({ length: 16 }, async () => {
      while (!stop) {
        const from = Math.floor(Math.random() * users.length);
        const to = (from + 1 + Math.floor(Math.random() * (users.length - 1))) % users.length;
        const amount = 1 + Math.floor(Math.random() * 100);
        const sender = users[from]!;
        attempted += 1;
        try {
          const response = await transfer(first.url, sender.token, { to: users[to]!.id, amount }, undefined);
          if (response.status >= 200 && response.status < 300)
            acknowledged.push({ id: response.json.id as string, sender, amount });
          else if (response.status !== 402) throw new Error(`unexpected ${response.status} ${response.text}`);
        } catch (error) {
          // The server was killed under this request: its outcome is unknown, so it is not counted.
          if (error instanceof Error && error.message.startsWith('unexpected')) throw error;
          failed += 1;
          if (stop) return;
        }
      }
    }),
  );

  // At least 1.5 s of load, and (on a slow machine, up to 10 s) at least 100 acknowledged transfers.
  while (
    Date.now() - loadStarted < 1500 ||
    (acknowledged.length < 100 && Date.now() - loadStarted < 10_000)
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const beforeKill = acknowledged.length;
  const killed = first.kill('SIGKILL'); // the signal is sent before this returns
  stop = true;
  await killed;
  await load;
  const exit = await first.exited;
  expect(exit.signal).toBe('SIGKILL');
  console.log(
    `crash test: ${acknowledged.length} transfers acknowledged in ${Date.now() - loadStarted} ms of load ` +
      `(${beforeKill} when the kill was sent), ${attempted} attempted, ${failed} cut off by the kill`,
  );
  expect(acknowledged.length).toBeGreaterThan(0);

  // Restart on the same data dir; the tokens stay valid (the signing key is in the store).
  const second = await startServer(options);
  servers.push(second);
  await expectTransfersPresent(second.url, acknowledged);

  // Transfers only move money between these wallets: together they hold exactly the bonuses.
  let total = 0;
  for (const user of [...users, admin]) {
    const balance = await wallet(second.url, user.token);
    expect(balance.available).toBeGreaterThanOrEqual(0);
    expect(balance.pending).toBe(0);
    total += balance.posted;
  }
  expect(total).toBe((users.length + 1) * options.signupBonus);
  const report = await audit(second.url, admin.token);
  expect(report.balanced, JSON.stringify(report)).toBe(true);

  // The killed server's lock was taken over; a second server on the running one's dir is refused.
  const refusal = await startServer({ ...options, readyTimeoutMs: 30_000 }).then(
    (third) => {
      servers.push(third);
      throw new Error('a second server started on a data dir in use');
    },
    (error: unknown) => String(error),
  );
  expect(refusal).toContain('exited (1)');
  expect(refusal).toContain(
    `Sluice cannot start: the data dir ${options.dataDir} is in use by process ${second.pid}`,
  );
  expect((await call(second.url, 'GET', '/health')).status).toBe(200);
  for (const currency of report.currencies) {
    expect(currency.debits_posted).toBe(currency.credits_posted);
    expect(currency.overdrawn_accounts).toEqual([]);
  }
});
