import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const api = 'http://127.0.0.1:3000';
const outDir = fileURLToPath(new URL('./dist', import.meta.url));

/** Files worth compressing: text, above a size where the headers would cost more than they save. */
const compressible = /\.(?:js|mjs|css|html|svg|json|txt|map|webmanifest)$/;
const minBytes = 1024;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/**
 * Writes `file.br` (brotli, quality 11) and `file.gz` (gzip -9) beside every compressible file of
 * the build, once, so the server (server/src/runtime/local/dashboard.ts) sends the smallest copy
 * the browser accepts without compressing per request. Then prints what the first page load
 * downloads (index.html's script, preloads and stylesheet), gzipped: the figure BENCHMARKS.md keeps.
 */
function precompress(): Plugin {
  return {
    name: 'sluice-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of filesUnder(outDir)) {
        if (!compressible.test(file) || statSync(file).size < minBytes) continue;
        const source = readFileSync(file);
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        writeFileSync(`${file}.gz`, gzipSync(source, { level: 9 }));
      }
      const html = readFileSync(join(outDir, 'index.html'), 'utf8');
      const initial = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
      const size = (suffix: string) =>
        initial.reduce((sum, asset) => {
          // A file under minBytes has no compressed copy: it is sent as it is.
          const copy = join(outDir, asset + suffix);
          return sum + statSync(existsSync(copy) ? copy : join(outDir, asset)).size;
        }, 0);
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
      console.log(
        `initial route: ${initial.length} files, ${kb(size(''))} raw, ${kb(size('.gz'))} gzip, ${kb(size('.br'))} brotli`,
      );
    },
  };
}

/** The wallet dashboard: `npm run dev` serves it and proxies the API; `npm run build:web` builds `web/dist`. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), tailwindcss(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  server: {
    proxy: {
      '/v1/realtime': { target: api, ws: true },
      '/v1': api,
      '/openapi.json': api,
      '/docs': api,
      '/.well-known': api,
    },
  },
});
