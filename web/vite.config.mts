// The portal's build: static files in dist/web, served by the app's `portal` function under /api/portal/.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/api/portal/',
  // A nonce placeholder: the portal function puts a fresh nonce in its place (and in the page's CSP) on every load;
  // web/src/main.tsx reads it from <meta property="csp-nonce"> and gives it to Fluent UI's style renderer.
  html: { cspNonce: 'SWITCHBOARD_CSP_NONCE' },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // No inline scripts: the Content-Security-Policy allows scripts from the portal's own origin only.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // Fluent UI marks its modules 'use client' (for React Server Components); a client bundle ignores it.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
