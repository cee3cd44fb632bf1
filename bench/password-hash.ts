/**
 * `npm run bench:password`: how long one password hash takes on this machine with the current
 * scrypt parameters. Sign-up and login pay it once each, so it bounds their latency and what a
 * login flood costs; it should stay in the tens of milliseconds (slow enough to hurt guessing).
 * A timing belongs here, not in a test: it measures the machine as much as the code.
 *
 *   BENCH_HASHES  hashes timed after one warm-up (default 20)
 */
import { currentScryptParams, hashPassword } from '../server/src/identity/password.ts';

const hashes = Number(process.env.BENCH_HASHES ?? 20);
if (!Number.isInteger(hashes) || hashes < 1)
  throw new Error(`BENCH_HASHES must be a whole number of at least 1, not ${process.env.BENCH_HASHES}`);

await hashPassword('warm up');
const times: number[] = [];
for (let i = 0; i < hashes; i++) {
  const started = performance.now();
  await hashPassword('correct horse battery staple');
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const { logN, r, p } = currentScryptParams;
console.log(
  `scrypt ln=${logN},r=${r},p=${p}: median ${median.toFixed(1)} ms, fastest ${times[0]!.toFixed(1)} ms, slowest ${times.at(-1)!.toFixed(1)} ms over ${hashes} hashes`,
);
