export { PostgresStateStorage, type PostgresStateStorageOptions } from './postgres-state-storage.js'
export { PostgresUnavailableError } from './errors.js'
