/** What every part of `npm run bench` shares: its settings, read once from the environment, and two small helpers. */

export const settings = {
  duration: Number(process.env.BENCH_DURATION ?? 30),
  warmup: Number(process.env.BENCH_WARMUP ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  users: Number(process.env.BENCH_USERS ?? 1000),
  merchants: Number(process.env.BENCH_MERCHANTS ?? 100),
  profile: process.env.BENCH_PROFILE === '1',
  nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  /** Which server scenarios run: `transfers`, `payments`, `likes`, `checkout`, `payment-intents`, `billing` (default: all six). */
  scenarios: (process.env.BENCH_SCENARIOS ?? 'transfers,payments,likes,checkout,payment-intents,billing')
    .split(',')
    .map((name) => name.trim()),
  /**
   * BENCH_STORE=dynamodb: the Sluice server runs on DynamoDB Local (`--store dynamodb`, started by
   * the bench, java from PATH) instead of SQLite, and each scenario prints the write units
   * DynamoDB reported per 2xx. The baselines stay on SQLite; the disk table is left out.
   */
  store: process.env.BENCH_STORE === 'dynamodb' ? ('dynamodb' as const) : ('sqlite' as const),
  pipelining: 1,
  signupBonus: 100_000_000,
  /** BENCH_SOAK: seconds of random transfers after the scenarios; 0 (the default) skips the soak. */
  soakSeconds: Number(process.env.BENCH_SOAK ?? 0),
  /**
   * With a soak, how long the server keeps idempotency records and delivered events
   * (BENCH_SOAK_RETENTION, default 120 s): short enough that the soak reaches the point where
   * items expire as fast as they are written.
   */
  soakRetentionSeconds: Number(process.env.BENCH_SOAK_RETENTION ?? 120),
};

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
