// @ts-check
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

// The dashboard must build and run with no internet: Astro's anonymous CLI telemetry
// would otherwise post to telemetry.astro.build during `astro build`/`astro dev`, and
// `astro dev` would ask the npm registry for a newer Astro. Both read these variables
// after the config is loaded; values set by the caller still win.
process.env.ASTRO_TELEMETRY_DISABLED ??= '1';
process.env.ASTRO_DISABLE_UPDATE_CHECK ??= 'true';

/**
 * `astro dev` resolves the workspace packages from their TypeScript source through the
 * private `@intelshare/source` export condition, so an edit in `packages/stix` shows up
 * at once. `astro build` leaves it out and uses each package's built `dist/` (turbo
 * builds them first: `build` dependsOn `^build`), which is what an npm install gives.
 * Setting `conditions` replaces Vite 6's defaults, so they are repeated here.
 * @returns {import('vite').Plugin}
 */
function sourceConditionInDev() {
  return {
    name: 'intelshare:source-condition-in-dev',
    config(_config, { command }) {
      if (command !== 'serve') return;
      return {
        resolve: {
          conditions: ['@intelshare/source', 'module', 'browser', 'development|production'],
        },
        ssr: {
          resolve: {
            conditions: ['@intelshare/source', 'module', 'node', 'development|production'],
          },
        },
      };
    },
  };
}

export default defineConfig({
  output: 'server',
  // Middleware mode: src/server/main.ts owns the HTTP server (pages, partner TAXII roots,
  // static assets) and hands each page request the running hub through `locals`.
  adapter: node({ mode: 'middleware' }),
  // Cross-site form posts are refused by src/middleware.ts (Origin against Host, plus a
  // CSRF token): Astro's own check compares with a URL it can only build from
  // `allowedDomains`, which a self-hosted hub cannot know at build time.
  security: { checkOrigin: false },
  vite: { plugins: [sourceConditionInDev()] },
});
