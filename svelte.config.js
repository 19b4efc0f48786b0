// Svelte compiler settings for the Keeper UI: TypeScript through Vite's preprocessor,
// runes mode everywhere (no legacy reactive statements).
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    runes: true,
  },
};
