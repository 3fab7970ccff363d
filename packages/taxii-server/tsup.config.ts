import { definePackageConfig } from '../../tsup.shared';

export default definePackageConfig(import.meta.dirname, {
  index: 'src/index.ts',
  node: 'src/node/index.ts',
  sqlite: 'src/sqlite/index.ts',
  postgres: 'src/postgres/index.ts',
});
