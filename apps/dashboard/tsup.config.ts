import { defineConfig } from 'tsup';

// The hub's process (src/server/main.ts and src/hub/**), bundled for plain `node`. The
// pages are built by `astro build`; main.ts loads them from dist/server/entry.mjs.
// Dependencies stay external, so @intelshare/* resolve to their built dist/ as for any user.
export default defineConfig({
  entry: { main: 'src/server/main.ts' },
  outDir: 'dist/hub',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  dts: false,
});
