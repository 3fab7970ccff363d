// The one place that knows where Chromium is. Every browser suite launches through
// `chromiumLaunchOptions()`; `pnpm test`'s set-up step calls `ensureChromium()` first, which
// installs Debian's `chromium` with apt when none is found (never a downloaded browser build).
import { accessSync, constants } from 'node:fs';
import { aptInstall, canAptInstall } from './apt-install.mjs';

/** Where distributions put Chromium (or Chrome), most likely first. */
const CANDIDATE_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium executable to drive: `CHROMIUM_PATH` when set (it must exist), else the first
 * usual install location that exists; `undefined` when there is none.
 */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which is not an executable file.`);
    }
    return fromEnv;
  }
  return CANDIDATE_PATHS.find(isExecutable);
}

/** The message that says exactly what to install, shown once when no browser is found. */
export const MISSING_CHROMIUM_MESSAGE =
  'No Chromium found for the browser tests. Install one (Debian/Ubuntu: `apt-get install chromium`; ' +
  'Fedora: `dnf install chromium`; macOS: `brew install --cask chromium`) or set CHROMIUM_PATH to a ' +
  'Chromium or Chrome executable. The tests never download a browser build.';

/**
 * Makes sure a Chromium is there before the browser suites run: found, or installed with
 * `apt-get install chromium` on a Debian/Ubuntu machine where we are root. Returns the path,
 * or throws one error carrying {@link MISSING_CHROMIUM_MESSAGE}.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function ensureChromium(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const found = findChromium();
  if (found) return found;
  if (canAptInstall()) {
    log("test set-up: no Chromium found; installing Debian's `chromium` with apt-get (once)…");
    const ok = aptInstall('chromium');
    const installed = findChromium();
    if (ok && installed) {
      log(`test set-up: installed ${installed}`);
      return installed;
    }
  }
  throw new Error(MISSING_CHROMIUM_MESSAGE);
}

/** Flags for a headless Chromium on a machine with no network but loopback (and as root). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Options for playwright-core's `chromium.launch()`: the found executable and the flags above.
 * Throws the one "what to install" error when no Chromium is there.
 */
export function chromiumLaunchOptions() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(MISSING_CHROMIUM_MESSAGE);
  return { executablePath, args: [...CHROMIUM_ARGS], headless: true };
}
