export { PostgresAuditStore } from './postgres-audit-store';
export { PostgresRateLimiter } from './postgres-rate-limiter';
export { PostgresStorage } from './postgres-storage';
