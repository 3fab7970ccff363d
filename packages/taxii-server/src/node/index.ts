export { openAuditLog, openRateLimitStore, openStorage } from './open-storage';
export type { RunningServer, ServeOptions } from './serve';
export { serve } from './serve';
export { sendWebResponse, toWebRequest } from './web-bridge';
