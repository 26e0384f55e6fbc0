import type { Guard } from '../metadata/controller-metadata.js'

const ADMIN_ONLY = Symbol('qqbot.adminOnly')

/** Marks a guard as letting only administrators through, so panels show its commands to admins only. */
export function markAdminOnly(guard: Guard): Guard {
  return Object.assign(guard, { [ADMIN_ONLY]: true })
}

export function isAdminOnlyGuard(guard: Guard): boolean {
  return (guard as Guard & { [ADMIN_ONLY]?: boolean })[ADMIN_ONLY] === true
}
