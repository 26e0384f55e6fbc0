export { SqliteStateStorage, type SqliteStateStorageOptions } from './sqlite-state-storage.js'
