import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { compression } from 'vite-plugin-compression2';

// The client lives in client/; the server serves the build from dist/.
export default defineConfig({
  root: 'client',
  plugins: [
    react(),
    // The app shell is precached by a service worker, so a board opened once loads again with no
    // network at all: every navigation (in particular /b/:id?token=...) falls back to index.html,
    // and the board itself comes from IndexedDB (y-indexeddb). /api and /ws always go to the network.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script',
      includeAssets: ['favicon.svg'],
      manifest: {
        name: 'Crossboard',
        short_name: 'Crossboard',
        description: 'A live ideation board for mixed public-private teams.',
        theme_color: '#0b0c0c',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '/',
        icons: [{ src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/ws\//],
        clientsClaim: true,
        skipWaiting: true,
        cleanupOutdatedCaches: true,
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
    // Brotli and gzip copies of every text file, made once here rather than on each request:
    // server/static.ts sends the one the browser accepts. Source maps (*.map) are not in the list:
    // they are served only with SERVE_SOURCEMAPS=1, to a developer, and brotli at full quality on
    // them would be most of the build's compression time. sw.js and workbox-*.js are written by
    // the PWA plugin after this pass, so they go out as they are (1.5 KB and 15 KB).
    compression({
      algorithms: ['brotliCompress', 'gzip'],
      include: /\.(html|css|js|mjs|json|svg|txt|webmanifest)$/,
    }),
  ],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8787',
      '/ws': { target: 'ws://localhost:8787', ws: true },
    },
  },
});
