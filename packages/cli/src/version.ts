declare const __INTELSHARE_VERSION__: string | undefined;

/**
 * The version of `@intelshare/cli`, injected at build time.
 *
 * @example
 * ```ts
 * import { VERSION } from '@intelshare/cli';
 *
 * console.log(VERSION);
 * ```
 */
export const VERSION: string =
  typeof __INTELSHARE_VERSION__ === 'string' ? __INTELSHARE_VERSION__ : '0.0.0-source';
