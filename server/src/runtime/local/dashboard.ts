import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

export interface DashboardOptions {
  /** The built dashboard (`npm run build:web` writes `web/dist`). */
  distDir: string;
}

/** Paths the dashboard never answers: the API and the platform's own endpoints. */
const reservedPrefixes = ['/v1', '/openapi.json', '/docs', '/health', '/metrics', '/.well-known'];

function isReserved(path: string): boolean {
  return reservedPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

const missingBuildPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sluice dashboard not built</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>The dashboard is not built</h1><p>Run <code>npm run build:web</code>, then reload. The API is up at <a href="/docs">/docs</a>.</p></body></html>`;

/**
 * Serves the wallet dashboard from `distDir` on the app: hashed files under `/assets/` are cached
 * for a year as immutable, everything else (index.html above all) is revalidated on every load,
 * and any other GET that accepts HTML falls back to index.html so client routes survive a reload.
 * API paths are never touched. Without a build, the dashboard's paths answer 503 saying how to
 * build it; a build made while the server runs is picked up without a restart.
 *
 * @example
 * createLocalPlatform({ ..., extend: (app) => mountDashboard(app, { distDir: join(repoRoot, 'web/dist') }) });
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Hono app, whatever its env
export function mountDashboard(app: Hono<any, any, any>, options: DashboardOptions): void {
  const { distDir } = options;
  const indexPath = join(distDir, 'index.html');
  const files = serveStatic({
    root: distDir,
    onFound: (path, c) => {
      c.header(
        'Cache-Control',
        path.includes(`${join(distDir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });

  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    if (isReserved(c.req.path)) return next();
    if (!existsSync(indexPath)) {
      if (c.req.path !== '/' && !(c.req.header('accept') ?? '').includes('text/html')) return next();
      return c.html(missingBuildPage, 503, { 'Cache-Control': 'no-store' });
    }
    const served = await files(c, async () => {});
    if (served) return served;
    // A missing hashed asset is a real 404, not the app shell.
    if (c.req.path.startsWith('/assets/')) return next();
    if (c.req.path !== '/' && !(c.req.header('accept') ?? '').includes('text/html')) return next();
    return c.html(await readFile(indexPath, 'utf8'), 200, { 'Cache-Control': 'no-cache' });
  });
}
