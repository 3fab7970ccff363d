import { buildIfNeeded } from '../scripts/build-if-needed.mjs';

export default function setup(): void {
  // DOCS_SKIP_BUILD=1 checks the dist/ that is there (for iterating on the tests only).
  if (process.env.DOCS_SKIP_BUILD !== '1') buildIfNeeded();
}
