/**
 * The real server for `npm run bench`: `npm start`'s entry point as a child process on a fresh
 * data dir (its JSON log in a file beside it), and the people the scenarios act as.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  mapLimit,
  signUp,
  startServer,
  wallet,
  type ApiUser,
  type ServerProcess,
} from '../test/server-process.ts';
import { log, settings } from './support.ts';

export const adminEmail = 'bench-admin@example.com';
/** The token `/metrics` asks for (`SLUICE_METRICS_TOKEN`), made up for this run. */
export const metricsToken = randomBytes(24).toString('base64url');

/**
 * Starts the server with a sign-up bonus large enough that no transfer is refused; profiled into
 * `profileDir` with BENCH_PROFILE=1; on DynamoDB at `dynamoEndpoint` when given.
 */
export async function startBenchServer(
  tmp: string,
  profileDir: string,
  dynamoEndpoint?: string,
): Promise<ServerProcess> {
  const server = await startServer({
    dataDir: join(tmp, 'data'),
    adminEmails: [adminEmail],
    signupBonus: settings.signupBonus,
    stdoutFile: join(tmp, 'server.log'),
    readyTimeoutMs: 60_000,
    env: {
      SLUICE_METRICS_TOKEN: metricsToken,
      ...(dynamoEndpoint
        ? { SLUICE_STORE: 'dynamodb', SLUICE_DYNAMODB_ENDPOINT: dynamoEndpoint, SLUICE_TABLE: 'sluice-bench' }
        : {}),
      // Every bench user signs up from this machine's address, each paid the whole bonus.
      SLUICE_SIGNUP_BONUS_BUDGET: String(settings.signupBonus * (settings.users + 1)),
      SLUICE_SIGNUPS_PER_ADDRESS: String(settings.users + 1),
      ...(settings.soakSeconds > 0
        ? {
            SLUICE_TEST_RETENTIONS: '1',
            SLUICE_IDEMPOTENCY_RETENTION_SECONDS: String(settings.soakRetentionSeconds),
            SLUICE_EVENT_RETENTION_SECONDS: String(settings.soakRetentionSeconds),
          }
        : {}),
    },
    nodeArgs: [
      ...settings.nodeArgs,
      ...(settings.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ],
  });
  log(`server pid ${server.pid} at ${server.url}; log ${join(tmp, 'server.log')}`);
  return server;
}

/** Signs up the admin (for the audit) and `settings.users` people, 8 at a time because password hashing is slow, and opens their wallets. */
export async function signUpUsers(
  url: string,
): Promise<{ admin: ApiUser; users: ApiUser[]; signupSeconds: number }> {
  const admin = await signUp(url, { email: adminEmail, name: 'admin' });
  let started = performance.now();
  const users = new Array<ApiUser>(settings.users);
  let done = 0;
  await mapLimit(settings.users, 8, async (i) => {
    users[i] = await signUp(url, { name: `bench${i}` });
    done += 1;
    if (done % 250 === 0) log(`  signed up ${done}/${settings.users}`);
  });
  const signupSeconds = (performance.now() - started) / 1000;
  log(
    `signed up ${settings.users} users in ${signupSeconds.toFixed(1)} s (${(settings.users / signupSeconds).toFixed(0)}/s, concurrency 8)`,
  );
  started = performance.now();
  await mapLimit(settings.users, 16, async (i) => void (await wallet(url, users[i]!.token)));
  log(`opened ${settings.users} wallets in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { admin, users, signupSeconds };
}
