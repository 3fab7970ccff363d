/** Whether this machine is Debian or a derivative, by `/etc/os-release`. */
export function isDebianLike(): boolean;
/** Whether apt may be used here: Debian/Ubuntu, and we are root. */
export function canAptInstall(): boolean;
/** `apt-get update` then `apt-get install -y <name>`; whether both succeeded. */
export function aptInstall(name: string): boolean;
