// Builds the admin console into admin/dist (git-ignored), served by the API server at /admin.
// `npm run admin:dev` serves it with hot reload and proxies /graphql (HTTP and WebSocket) to a local server.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/admin/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/graphql': { target: process.env.TASTEGRAPH_URL ?? 'http://127.0.0.1:4000', ws: true } } },
});
