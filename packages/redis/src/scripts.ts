import type { RedisConnection } from './connection.js'

/**
 * The Lua scripts behind leases and fencing. Each runs atomically in Redis, so "is it still mine?" and
 * "then extend / write / delete" can never interleave with another process.
 */
const SCRIPTS = {
  /**
   * KEYS: lease, fence. ARGV: member, ttlMs, epoch. Returns the new fence `[epoch, counter]` (see fence.ts), or
   * nil when the shard is taken. The fence key holds `<epoch>:<counter>`; when it is missing (a new shard, or
   * Redis lost its data) the counter starts again under the epoch the caller proposes. A bare number (written
   * by an earlier version) is a counter of epoch 0.
   */
  qqbotAcquire: {
    numberOfKeys: 2,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local stored = redis.call('GET', KEYS[2])
local epoch = ARGV[3]
local counter = 0
if stored then
  local sep = string.find(stored, ':', 1, true)
  if sep then
    epoch = string.sub(stored, 1, sep - 1)
    counter = tonumber(string.sub(stored, sep + 1))
  else
    epoch = '0'
    counter = tonumber(stored)
  end
end
counter = counter + 1
redis.call('SET', KEYS[2], epoch .. ':' .. counter)
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. epoch .. '.' .. counter, 'PX', ARGV[2])
return {epoch, counter}`,
  },
  /** KEYS: lease. ARGV: value, ttlMs. 1 when still ours (extended), 0 when lost. */
  qqbotRenew: {
    numberOfKeys: 1,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`,
  },
  /** KEYS: lease. ARGV: value. 1 when it was ours and is gone now. */
  qqbotRelease: {
    numberOfKeys: 1,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`,
  },
  /** KEYS: lease, target. ARGV: value, payload, ttlMs. Writes only while the lease is ours: 1 written, 0 refused. */
  qqbotFencedSet: {
    numberOfKeys: 2,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`,
  },
  /**
   * KEYS: members. ARGV: member, ttlMs. Refreshes this member, drops expired ones; returns `[present, live]`:
   * whether this member was still listed before (0 after Redis lost its data or after a pause past the TTL)
   * and the live members.
   */
  qqbotHeartbeat: {
    numberOfKeys: 1,
    lua: `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local present = 0
if score and tonumber(score) > now then present = 1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return {present, redis.call('ZRANGE', KEYS[1], 0, -1)}`,
  },
  /**
   * KEYS: bucket. ARGV: intervalMs. Takes the bucket's next identify slot; returns how long to wait for it (ms).
   * The key holds the time of the next free slot, so waiting callers are served in the order they asked.
   */
  qqbotIdentifySlot: {
    numberOfKeys: 1,
    lua: `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nextFree)
redis.call('SET', KEYS[1], slot + interval, 'PX', slot + interval - now + 1000)
return slot - now`,
  },
  /**
   * KEYS: state. ARGV: json, expectedVersion, ttlMs (0: none). The key is a hash of `v` (version) and `j`
   * (JSON). Writes only if the stored version (0 when absent) is the expected one; returns the new version, or
   * nil when another write came first.
   */
  qqbotStateWrite: {
    numberOfKeys: 1,
    lua: `
local version = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if version ~= tonumber(ARGV[2]) then return false end
redis.call('HSET', KEYS[1], 'v', version + 1, 'j', ARGV[1])
if ARGV[3] == '0' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return version + 1`,
  },
  /**
   * KEYS: the streams of a batch. ARGV: group, maxLength, then each entry as the index of its stream in KEYS
   * (from 1), its field count and its fields. Appends the entries in the order given (XADD MAXLEN ~); a stream
   * that is missing (Redis lost it, or nobody created it yet) is created with the workers' group first, at its
   * end, so the workers read these entries and every later one even if none of them is running now. Returns
   * each stream's `created` flag (1 when it had to be created).
   */
  qqbotStreamAppendBatch: {
    lua: `
local created = {}
for i = 1, #KEYS do created[i] = 0 end
local at = 3
local function append(i, n)
  return redis.call('XADD', KEYS[i], 'NOMKSTREAM', 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, at + 2, at + 1 + n))
end
while at <= #ARGV do
  local i = tonumber(ARGV[at])
  local n = tonumber(ARGV[at + 1])
  if not append(i, n) then
    redis.call('XGROUP', 'CREATE', KEYS[i], ARGV[1], '$', 'MKSTREAM')
    created[i] = 1
    append(i, n)
  end
  at = at + 2 + n
end
return created`,
  },
  /**
   * KEYS: events' claim keys. ARGV: worker, ttlMs. Claims each key the worker does not find taken (SET NX PX);
   * returns who holds each key now: the worker, another worker, or the done mark.
   */
  qqbotClaimEvents: {
    lua: `
local holders = {}
for i = 1, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2], 'NX') then
    holders[i] = ARGV[1]
  else
    holders[i] = redis.call('GET', KEYS[i])
  end
end
return holders`,
  },
  /** KEYS: events' claim keys. ARGV: worker, ttlMs. Extends each key the worker still holds (qqbotRenew of many). */
  qqbotRenewEvents: {
    lua: `
local renewed = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
    renewed = renewed + 1
  end
end
return renewed`,
  },
  /**
   * KEYS: streams, then claim keys. ARGV: group, done mark, dedupeTtlMs, the stream count, then for each stream
   * its entry count and entry ids. Marks each event done (SET PX), then acknowledges the entries (XACK), in one
   * atomic step. A stream whose group vanished is skipped (its entries are gone with it); returns how many
   * entries were acknowledged.
   */
  qqbotCompleteEvents: {
    lua: `
local streams = tonumber(ARGV[4])
for i = streams + 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[2], 'PX', ARGV[3])
end
local acked = 0
local at = 5
for i = 1, streams do
  local n = tonumber(ARGV[at])
  local reply = redis.pcall('XACK', KEYS[i], ARGV[1], unpack(ARGV, at + 1, at + n))
  if type(reply) == 'number' then acked = acked + reply end
  at = at + 1 + n
end
return acked`,
  },
  /** KEYS: state. ARGV: expectedVersion. Deletes the key if it holds that version: 1 deleted, 0 refused. */
  qqbotStateDelete: {
    numberOfKeys: 1,
    lua: `
local version = redis.call('HGET', KEYS[1], 'v')
if version and tonumber(version) == tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`,
  },
} as const

type ScriptName = keyof typeof SCRIPTS

/** A Redis connection with the scripts defined on it. */
export interface ScriptedRedis {
  qqbotAcquire(
    lease: string,
    fence: string,
    member: string,
    ttlMs: number,
    epoch: number,
  ): Promise<[string, number] | null>
  qqbotRenew(lease: string, value: string, ttlMs: number): Promise<number>
  qqbotRelease(lease: string, value: string): Promise<number>
  qqbotFencedSet(lease: string, target: string, value: string, payload: string, ttlMs: number): Promise<number>
  qqbotHeartbeat(members: string, member: string, ttlMs: number): Promise<[present: number, live: string[]]>
  qqbotIdentifySlot(bucket: string, intervalMs: number): Promise<number>
  qqbotStateWrite(key: string, json: string, expectedVersion: number, ttlMs: number): Promise<number | null>
  qqbotStateDelete(key: string, expectedVersion: number): Promise<number>
  /** `numKeys` streams, then ARGV as the script says. */
  qqbotStreamAppendBatch(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number[]>
  qqbotClaimEvents(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<string[]>
  qqbotRenewEvents(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>
  qqbotCompleteEvents(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>
}

const defined = new WeakSet<RedisConnection>()

/** Defines the scripts on `redis` once (ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT). */
export function withScripts<Connection extends RedisConnection>(redis: Connection): Connection & ScriptedRedis {
  if (!defined.has(redis)) {
    for (const name of Object.keys(SCRIPTS) as ScriptName[]) redis.defineCommand(name, SCRIPTS[name])
    defined.add(redis)
  }
  return redis as Connection & ScriptedRedis
}
