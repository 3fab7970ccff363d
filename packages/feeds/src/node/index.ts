/**
 * Node-only helpers for `@intelshare/feeds`: file-backed poll state and mutual-TLS fetch.
 * @packageDocumentation
 */
export { FileStateStore } from './file-state-store';
export type { TlsFetchOptions } from './tls-fetch';
export { createTlsFetch } from './tls-fetch';
