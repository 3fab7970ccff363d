export { PostgresRateLimiter } from './postgres-rate-limiter';
export { PostgresStorage } from './postgres-storage';
