import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Vite from 'vite';
import type { Logger } from '../../platform/logger.ts';

/** Newest modification time under `path` (a file or a folder, recursively). */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Builds the dashboard (`web/` → `web/dist`) when the build is missing or older than its
 * sources, so `npm start` always serves the current UI. Vite is a development dependency: an
 * install without it (`npm ci --omit=dev`) serves whatever build is there.
 */
export async function buildDashboardIfStale(repoRoot: string, logger: Logger): Promise<void> {
  const webDir = join(repoRoot, 'web');
  const builtIndex = join(webDir, 'dist', 'index.html');
  if (!existsSync(webDir)) return;
  const sources = ['src', 'index.html', 'vite.config.ts']
    .map((name) => join(webDir, name))
    .filter((path) => existsSync(path));
  const sourceTime = Math.max(...sources.map(newestMtime));
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= sourceTime) return;
  let build: (typeof Vite)['build'];
  try {
    ({ build } = await import('vite'));
  } catch {
    logger.warn('the dashboard build is missing or stale and Vite is not installed; run npm run build:web');
    return;
  }
  const started = performance.now();
  process.stdout.write('  Building the dashboard (web/ → web/dist) ...\n');
  await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
  logger.info('dashboard built', { ms: Math.round(performance.now() - started) });
}
