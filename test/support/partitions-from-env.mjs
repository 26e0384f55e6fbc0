/** `PARTITIONS` as a worker process takes it: `false`, a count, or unset for the default (partitions on). */
export function partitionsFromEnv(env) {
  if (env.PARTITIONS === undefined || env.PARTITIONS === '') return undefined
  return env.PARTITIONS === 'false' ? false : Number(env.PARTITIONS)
}
