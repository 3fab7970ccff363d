export type { CliIo } from './main';
export { main } from './main';
export { VERSION } from './version';
