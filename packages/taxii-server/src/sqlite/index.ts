export { SqliteStorage } from './sqlite-storage';
