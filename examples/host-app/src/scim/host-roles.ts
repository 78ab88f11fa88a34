/** The host's roles, most privileged first (ScimModule `roles.names`). */
export const HOST_ROLES = ['owner', 'admin', 'member'] as const;
export type HostRole = (typeof HOST_ROLES)[number];

/** the role break-glass protection keeps at least one active holder of (`roles.protect`) */
export const OWNER_ROLE: HostRole = 'owner';

/** what a new team member gets when the tenant maps the team to no role and has no default */
export const FALLBACK_PERMISSION: HostRole = 'member';

/** The highest of `roles` by HOST_ROLES order (a role the host does not know ranks last). */
export function highestRole(roles: Iterable<string>): string | null {
  let best: string | null = null;
  const rank = (r: string) => {
    const i = (HOST_ROLES as readonly string[]).indexOf(r);
    return i < 0 ? HOST_ROLES.length : i;
  };
  for (const r of roles) {
    if (best === null || rank(r) < rank(best)) {
      best = r;
    }
  }
  return best;
}
