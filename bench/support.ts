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
  pipelining: 1,
  signupBonus: 100_000_000,
};

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
