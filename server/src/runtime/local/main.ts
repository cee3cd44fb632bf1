import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createJsonLogger } from '../../platform/logger.ts';
import { DataNewerThanCodeError } from '../../platform/migrations.ts';
import { parsePrivateAddressPolicy } from '../../webhooks/index.ts';
import { buildDashboardIfStale } from './build-dashboard.ts';
import { mountDashboard } from './dashboard.ts';
import { backupScheduleFromEnv, startBackupSchedule } from './backup.ts';
import { createLocalPlatform } from './platform.ts';
import { DataDirInUseError } from './data-dir-lock.ts';
import { createRealtimeServer } from './realtime.ts';
import { seedDemoData, demoEmails } from './seed.ts';
import { retentionConfigFromEnv } from '../../platform/config.ts';

/**
 * `npm start`: the whole platform in one process. Options (flags win over environment):
 *   --port N            PORT, default 3000
 *   --data-dir DIR      SLUICE_DATA_DIR, default .sluice
 *   --store sqlite|dynamodb   SLUICE_STORE, default sqlite
 *   --endpoint URL      SLUICE_DYNAMODB_ENDPOINT, for --store dynamodb
 *   --table NAME        SLUICE_TABLE, default sluice (the DynamoDB table, created if missing)
 *   SLUICE_SQLITE_WRITER=inline|worker   where SQLite writes run (default worker: a writer thread)
 *   SLUICE_SQLITE_COMMIT_GROUP=N         transactions the writer thread commits together, at most (default 16)
 *   SLUICE_SIGNUP_BONUS=N, SLUICE_SIGNUP_BONUS_BUDGET=N   the bonus and the most ever paid in bonuses (minor units)
 *   SLUICE_SIGNUPS_PER_ADDRESS=N         sign-ups allowed per client address an hour (default 30)
 *   SLUICE_REQUIRE_EMAIL_VERIFICATION=false   new users count as verified at once (default true:
 *                                        a code is mailed, and no money goes out until it is entered)
 *   SLUICE_REQUIRE_ADMIN_MFA=true        admin routes need a sign-in with a TOTP code (default false)
 *   SLUICE_BACKUP_DIR=DIR, SLUICE_BACKUP_EVERY=S, SLUICE_BACKUP_KEEP=N   backups every S seconds
 *                                        (default 3600) into DIR, the newest N (default 24) kept
 *   SLUICE_PUBLIC_URL=URL                the origin blob URLs point at (default http://<host>:<port>)
 *   HUB_CREDENTIALS_KEY=…                the key the hub seals connector credentials under (default:
 *                                        generated once into <data dir>/secrets.json, mode 0600;
 *                                        keep that file: backups of sluice.db do not hold it)
 *   --no-seed           skip demo data
 *   --no-build          do not build the dashboard when web/dist is missing or stale
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    store: { type: 'string' },
    endpoint: { type: 'string' },
    table: { type: 'string' },
    'no-seed': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    host: { type: 'string' },
  },
});

const logger = createJsonLogger();
const port = Number(values.port ?? process.env.PORT ?? 3000);
const host = values.host ?? process.env.HOST ?? '127.0.0.1';
const dataDir = values['data-dir'] ?? process.env.SLUICE_DATA_DIR ?? '.sluice';
const storeKind = (values.store ?? process.env.SLUICE_STORE ?? 'sqlite') as 'sqlite' | 'dynamodb';
if (storeKind !== 'sqlite' && storeKind !== 'dynamodb')
  throw new Error(`unknown --store ${storeKind}: use sqlite or dynamodb`);
const endpoint = values.endpoint ?? process.env.SLUICE_DYNAMODB_ENDPOINT;
const sqliteWriter = process.env.SLUICE_SQLITE_WRITER ?? 'worker';
if (sqliteWriter !== 'inline' && sqliteWriter !== 'worker')
  throw new Error(`unknown SLUICE_SQLITE_WRITER ${sqliteWriter}: use inline or worker`);
const sqliteCommitGroup =
  process.env.SLUICE_SQLITE_COMMIT_GROUP === undefined
    ? undefined
    : Number(process.env.SLUICE_SQLITE_COMMIT_GROUP);
if (sqliteCommitGroup !== undefined && !(Number.isSafeInteger(sqliteCommitGroup) && sqliteCommitGroup >= 1)) {
  throw new Error(
    `SLUICE_SQLITE_COMMIT_GROUP must be a whole number of at least 1, not ${process.env.SLUICE_SQLITE_COMMIT_GROUP}`,
  );
}
const adminEmails = [
  demoEmails.admin,
  ...(process.env.SLUICE_ADMIN_EMAILS ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean),
];
const webhookAllowPrivate = parsePrivateAddressPolicy(process.env.SLUICE_WEBHOOK_ALLOW_PRIVATE, 'loopback');
const metricsToken = process.env.SLUICE_METRICS_TOKEN || undefined;
const signupBonus =
  process.env.SLUICE_SIGNUP_BONUS === undefined ? undefined : Number(process.env.SLUICE_SIGNUP_BONUS);
const signupBonusBudget =
  process.env.SLUICE_SIGNUP_BONUS_BUDGET === undefined
    ? undefined
    : Number(process.env.SLUICE_SIGNUP_BONUS_BUDGET);
const signUpsPerAddressPerWindow =
  process.env.SLUICE_SIGNUPS_PER_ADDRESS === undefined
    ? undefined
    : Number(process.env.SLUICE_SIGNUPS_PER_ADDRESS);

// Only an explicit `false` turns verification off.
const requireEmailVerification = process.env.SLUICE_REQUIRE_EMAIL_VERIFICATION !== 'false';
const requireMfaForAdmins = process.env.SLUICE_REQUIRE_ADMIN_MFA === 'true';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
if (!values['no-build']) await buildDashboardIfStale(repoRoot, logger);

/**
 * SLUICE_STRIPE_API_BASE (`http://127.0.0.1:12111`): the hub's Stripe connector talks to this
 * Stripe-compatible server (stripe-mock, stripe-stateful-mock) instead of api.stripe.com, for local
 * development and the bench.
 */
function stripeApiHooks(base: string | undefined) {
  if (!base) return {};
  const url = new URL(base);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const port = Number(url.port || (protocol === 'https' ? 443 : 80));
  return { testHooks: { hub: { stripe: { host: url.hostname, port, protocol } } } };
}

// SLUICE_BACKUP_DIR, SLUICE_BACKUP_EVERY (seconds), SLUICE_BACKUP_KEEP: backups on a schedule.
const backupSchedule = storeKind === 'sqlite' ? backupScheduleFromEnv(process.env) : null;

const platform = await createLocalPlatform({
  dataDir,
  backupSchedule,
  publicUrl: process.env.SLUICE_PUBLIC_URL ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
  store: storeKind,
  sqliteWriter,
  ...(sqliteCommitGroup !== undefined ? { sqliteCommitGroup } : {}),
  ...(endpoint ? { endpoint } : {}),
  ...((values.table ?? process.env.SLUICE_TABLE)
    ? { tableName: values.table ?? process.env.SLUICE_TABLE }
    : {}),
  extend: (app) => mountDashboard(app, { distDir: join(repoRoot, 'web', 'dist') }),
  ...stripeApiHooks(process.env.SLUICE_STRIPE_API_BASE),
  config: {
    adminEmails,
    webhookAllowPrivate,
    // SLUICE_IDEMPOTENCY_RETENTION_SECONDS, SLUICE_EVENT_RETENTION_SECONDS
    ...retentionConfigFromEnv(process.env),
    ...(metricsToken ? { metricsToken } : {}),
    ...(signupBonus !== undefined && Number.isSafeInteger(signupBonus) ? { signupBonus } : {}),
    ...(signupBonusBudget !== undefined && Number.isSafeInteger(signupBonusBudget)
      ? { signupBonusBudget }
      : {}),
    ...(signUpsPerAddressPerWindow !== undefined && Number.isSafeInteger(signUpsPerAddressPerWindow)
      ? { signUpsPerAddressPerWindow }
      : {}),
    requireEmailVerification,
    requireMfaForAdmins,
  },
  logger,
}).catch((error: unknown) => {
  // A second server on the same data dir, or data a newer release migrated: say so plainly,
  // without a stack trace.
  if (!(error instanceof DataDirInUseError || error instanceof DataNewerThanCodeError)) throw error;
  process.stderr.write(`\n  Sluice cannot start: ${error.message}\n\n`);
  process.exit(1);
});

// Bind the port before seeding: a start that cannot serve must not create the demo users and
// then die before printing their passwords (which are stored only hashed).
const server = serve({
  fetch: platform.app.fetch,
  port,
  hostname: host,
  websocket: { server: createRealtimeServer() },
});
const bound = await new Promise<AddressInfo | Error>((resolve) => {
  server.once('listening', () => resolve(server.address() as AddressInfo));
  server.once('error', (error: Error) => resolve(error));
});
if (bound instanceof Error) {
  const reason =
    (bound as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? `port ${port} on ${host} is in use: stop what holds it, or give this server another --port`
      : bound.message;
  process.stderr.write(`\n  Sluice cannot start: ${reason}\n\n`);
  await platform.stop().catch(() => undefined);
  process.exit(1);
}

const seeded = values['no-seed']
  ? undefined
  : await seedDemoData(platform.store, platform.identity, {
      store: platform.store,
      clock: platform.clock,
      config: platform.config,
      users: platform.identity,
    });

platform.startWorkers();
if (backupSchedule) startBackupSchedule({ dataDir, schedule: backupSchedule, logger });
{
  const base = `http://${host === '0.0.0.0' ? 'localhost' : host}:${bound.port}`;
  const lines = [
    '',
    `  Sluice is running on ${base}`,
    `    Dashboard ${base}/`,
    `    API       ${base}/v1        (OpenAPI: ${base}/openapi.json)`,
    `    API docs  ${base}/docs`,
    `    Health    ${base}/health    Metrics: ${base}/metrics (an admin's token or SLUICE_METRICS_TOKEN)`,
    `    Realtime  ws://${base.slice(7)}/v1/realtime?token=<access token>`,
    `    Store     ${storeKind === 'sqlite' ? `SQLite in ${dataDir}/sluice.db` : `DynamoDB at ${endpoint}`}`,
    '',
  ];
  if (seeded) {
    lines.push('  Demo users (passwords are shown this once; delete the data dir to start over):');
    for (const user of seeded)
      lines.push(`    ${user.email.padEnd(20)} ${user.password}${user.admin ? '   (admin)' : ''}`);
  } else if (!values['no-seed']) {
    lines.push(
      `  Demo users ${demoEmails.alice}, ${demoEmails.bob}, ${demoEmails.admin} exist; their passwords were printed on the first run.`,
    );
  }
  lines.push(
    '',
    '  Sign in: curl -s localhost:' +
      bound.port +
      '/v1/auth/login -H "content-type: application/json" -d \'{"email":"...","password":"..."}\'',
    '',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  logger.info('listening', { port: bound.port, store: storeKind });
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  // Stop accepting connections and let in-flight requests finish, then stop the workers.
  await platform.realtime.closeAll();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    if ('closeIdleConnections' in server) server.closeIdleConnections();
    setTimeout(resolve, 10_000).unref();
  });
  await platform.stop();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
