export type { CliIo } from './cli-io';
export type { ExitCode } from './exit-codes';
export { EXIT_CODES } from './exit-codes';
export { main } from './main';
export { VERSION } from './version';
