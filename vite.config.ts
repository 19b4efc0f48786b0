// Vite + Vitest configuration for the Keeper UI.
//
// The UI lives in `ui/` (Vite's root); the production build goes to the top-level `dist/`,
// which the Tauri config reads as `"frontendDist": "../dist"` (relative to `src-tauri/`).
// The dev server runs on the fixed port the Tauri config names as `devUrl`.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

const uiRoot = fileURLToPath(new URL('./ui', import.meta.url));
const distDir = fileURLToPath(new URL('./dist', import.meta.url));
// The Svelte config sits at the repository top, outside Vite's root, so name it explicitly.
const svelteConfigFile = fileURLToPath(new URL('./svelte.config.js', import.meta.url));

export default defineConfig({
  root: uiRoot,
  // Keep Vite's cache with the other installed packages, not inside ui/.
  cacheDir: fileURLToPath(new URL('./node_modules/.vite', import.meta.url)),
  plugins: [svelte({ configFile: svelteConfigFile }), svelteTesting()],
  // Keep Rust compiler output visible when run under `tauri dev`.
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    watch: { ignored: ['**/src-tauri/**', '**/target/**'] },
  },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: distDir,
    emptyOutDir: true,
    // WebKitGTK 2.50 (Debian 12 with backports) and current WebView2/WKWebView all take ES2022.
    target: 'es2022',
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
});
