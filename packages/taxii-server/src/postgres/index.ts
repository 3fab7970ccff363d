export { PostgresStorage } from './postgres-storage';
