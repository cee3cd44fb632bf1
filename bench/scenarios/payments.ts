/**
 * The payments sandbox: every connection repeats authorize (`POST /v1/payments`, capture: false,
 * a ledger hold) then capture of that same payment. The rate counts both requests; each
 * authorization is one of the two.
 *
 * - many merchants: each cycle as a random one of `settings.merchants` merchants;
 * - one merchant: every cycle as the same merchant.
 */
import { call, mapLimit, type ApiUser } from '../../test/server-process.ts';
import { runServerLoad, type AutocannonRequest, type LoadTarget, type ScenarioResult } from '../load.ts';
import { log } from '../support.ts';

export interface BenchMerchants {
  /** One API key per merchant (rate limit lifted), owned by the first users. */
  keys: string[];
  /** The first merchant's keys: its own and three more. */
  oneMerchantKeys: string[];
}

/**
 * Makes `count` merchants (at most one per user) with an API key each, rate limit lifted.
 * A key may be lifted to 100,000 requests/min at most (1,667/s): the one-merchant scenario
 * would run into it, so that merchant gets four keys, as a busy merchant's servers would.
 */
export async function createMerchants(url: string, users: ApiUser[], count: number): Promise<BenchMerchants> {
  const started = performance.now();
  const keys = new Array<string>(Math.min(count, users.length));
  await mapLimit(keys.length, 8, async (i) => {
    const owner = users[i]!;
    const merchant = await call(url, 'POST', '/v1/merchants', {
      token: owner.token,
      body: { name: `Bench merchant ${i}` },
    });
    const key = await call(url, 'POST', `/v1/merchants/${merchant.json.id}/api-keys`, {
      token: owner.token,
      body: { rate_limit_per_minute: 100_000 },
    });
    if (key.status !== 201) throw new Error(`api key for merchant ${i}: ${key.status} ${key.text}`);
    keys[i] = key.json.secret as string;
  });
  const firstMerchant = (await call(url, 'GET', '/v1/merchants', { token: users[0]!.token })).json.data[0]
    .id as string;
  const oneMerchantKeys = [keys[0]!];
  for (let i = 1; i < 4; i++) {
    const key = await call(url, 'POST', `/v1/merchants/${firstMerchant}/api-keys`, {
      token: users[0]!.token,
      body: { rate_limit_per_minute: 100_000 },
    });
    if (key.status !== 201) throw new Error(`extra api key ${i}: ${key.status} ${key.text}`);
    oneMerchantKeys.push(key.json.secret as string);
  }
  log(
    `created ${keys.length} merchants with API keys in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { keys, oneMerchantKeys };
}

/** Many merchants, then one. */
export async function runPaymentScenarios(
  server: LoadTarget,
  merchants: BenchMerchants,
): Promise<{ many: ScenarioResult; one: ScenarioResult }> {
  const pick = (keys: string[]) => () => keys[Math.floor(Math.random() * keys.length)]!;
  const many = await runServerLoad(
    server,
    `payments: authorize then capture, ${merchants.keys.length} merchants`,
    authorizeThenCapture(pick(merchants.keys)),
  );
  const one = await runServerLoad(
    server,
    'payments: authorize then capture, one merchant',
    authorizeThenCapture(pick(merchants.oneMerchantKeys)),
  );
  return { many, one };
}

/**
 * Authorizations only (`capture: false`, each a ledger hold), as random merchants: what the peer's
 * `POST /v1/charges capture=false` is compared with.
 */
export function runAuthorizations(server: LoadTarget, merchants: BenchMerchants): Promise<ScenarioResult> {
  const [authorize] = authorizeThenCapture(
    () => merchants.keys[Math.floor(Math.random() * merchants.keys.length)]!,
  );
  return runServerLoad(server, `payments: authorize only, ${merchants.keys.length} merchants`, authorize!);
}

/** Two requests per cycle on each connection: authorize (capture: false), then capture that payment. */
function authorizeThenCapture(pickKey: () => string): AutocannonRequest[] {
  const card = {
    number: '4242424242424242',
    exp_month: 12,
    exp_year: new Date().getUTCFullYear() + 3,
    cvc: '123',
  };
  return [
    {
      method: 'POST',
      path: '/v1/payments',
      setupRequest: (request, context) => {
        context.key = pickKey();
        return {
          ...request,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${String(context.key)}` },
          body: JSON.stringify({
            amount: 100 + Math.floor(Math.random() * 10_000),
            currency: 'USD',
            capture: false,
            card,
          }),
        };
      },
      onResponse: (status, body, context) => {
        context.payment = status === 201 ? (JSON.parse(body) as { id: string }).id : undefined;
      },
    },
    {
      method: 'POST',
      setupRequest: (request, context) => ({
        ...request,
        path: `/v1/payments/${String(context.payment ?? 'pay_missing')}/capture`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${String(context.key)}` },
        body: '{}',
      }),
    },
  ];
}
