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
   * KEYS: stream. ARGV: group, maxLength, then the entry's fields. Appends the entry (XADD MAXLEN ~); when the
   * stream is missing (Redis lost it, or nobody created it yet) creates it with the workers' group first, at its
   * end, so the workers read this entry and every one after it even if none of them is running now. Returns
   * `[entryId, created]` (created: 1 when the stream had to be created).
   */
  qqbotStreamAppend: {
    numberOfKeys: 1,
    lua: `
local created = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '$', 'MKSTREAM')
  created = 1
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
return {id, created}`,
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
  qqbotStreamAppend(
    stream: string,
    group: string,
    maxLength: number,
    ...fields: string[]
  ): Promise<[entryId: string, created: number]>
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
