import { describeStateStorageContract } from '../../../../test/support/state-storage-contract.js'
import { MemoryStateStorage } from './memory-state-storage.js'

let now = Date.now()
describeStateStorageContract('MemoryStateStorage', () => ({
  storage: new MemoryStateStorage(() => now),
  advanceClock: (ms) => {
    now += ms
  },
}))
