// Installing a missing system package the one way the test set-up step may: Debian's own
// package, with apt, on a Debian/Ubuntu machine where we are root. Never a downloaded build.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Whether this machine is Debian or a derivative (Ubuntu…), by `/etc/os-release`. */
export function isDebianLike() {
  if (!existsSync('/etc/os-release')) return false;
  const release = readFileSync('/etc/os-release', 'utf8');
  return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release);
}

/** Whether apt may be used here: Debian/Ubuntu, and we are root. */
export function canAptInstall() {
  return isDebianLike() && typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * `apt-get update` then `apt-get install -y <name>`, output shown as it goes.
 * @param {string} name the Debian package
 * @returns {boolean} whether both commands succeeded
 */
export function aptInstall(name) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status !== 0) return false;
  const install = spawnSync('apt-get', ['install', '-y', '-qq', name], { stdio: 'inherit', env });
  return install.status === 0;
}
