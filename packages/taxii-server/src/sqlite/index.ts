export { SqliteAuditStore } from './sqlite-audit-store';
export { SqliteStorage } from './sqlite-storage';
