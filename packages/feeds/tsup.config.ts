import { definePackageConfig } from '../../tsup.shared';

export default definePackageConfig(import.meta.dirname, {
  index: 'src/index.ts',
  'node/index': 'src/node/index.ts',
});
