/** The Chromium executable to drive (`CHROMIUM_PATH`, then the usual places), or `undefined`. */
export function findChromium(): string | undefined;
/** What to install when no Chromium is found. */
export const MISSING_CHROMIUM_MESSAGE: string;
/** Finds Chromium, or installs Debian's `chromium` with apt (root on Debian/Ubuntu); else throws. */
export function ensureChromium(options?: { log?: (line: string) => void }): string;
/** Headless flags for a machine with loopback only. */
export const CHROMIUM_ARGS: readonly string[];
/** `chromium.launch()` options for playwright-core: executable and flags. */
export function chromiumLaunchOptions(): { executablePath: string; args: string[]; headless: true };
