import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:3000';

/** The wallet dashboard: `npm run dev` serves it and proxies the API; `npm run build:web` builds `web/dist`. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), tailwindcss()],
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
