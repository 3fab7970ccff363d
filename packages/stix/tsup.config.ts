import { definePackageConfig } from '../../tsup.shared';

export default definePackageConfig(import.meta.dirname, {
  index: 'src/index.ts',
  patterns: 'src/patterns/index.ts',
  extract: 'src/extract/index.ts',
});
