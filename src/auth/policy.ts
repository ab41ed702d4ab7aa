// Who may do what, in one place. Resolvers declare a policy with `@Authorized(policy)`; the type-graphql auth
// checker below evaluates it (for subscriptions too, at subscribe time) and throws UNAUTHENTICATED or FORBIDDEN.
import type { AuthChecker, ResolverData } from 'type-graphql';
import type { Role } from './config.js';
import type { Principal } from './authenticate.js';
import { forbidden, unauthenticated } from './errors.js';

const RANK: Record<Principal['role'], number> = { anonymous: 0, user: 1, service: 2, admin: 3 };

export interface Policy {
  /** Least role that may act on any user's data. */
  role: Role;
  /**
   * The user ids the operation touches. A `user` principal may proceed when every one is its own subject.
   * null in the list means "every user" (e.g. a subscription without userId): only `role` may.
   */
  owners?: (data: ResolverData<{ principal: Principal }>) => Array<string | null>;
  /** Least role when the operation touches every user (an owner is null); defaults to `role`. */
  everyone?: Role;
}

export const requireRole = (role: Role): Policy => ({ role });

/** The user itself, or `role` and above. */
export const ownerOr = (role: Role, owners: NonNullable<Policy['owners']>, everyone?: Role): Policy => ({
  role,
  owners,
  everyone,
});

/** Decides whether `principal` may proceed; throws the coded error otherwise. */
export function authorize(principal: Principal, policy: Policy, owners: Array<string | null> = []): void {
  const needed = policy.everyone && owners.includes(null) ? policy.everyone : policy.role;
  if (RANK[principal.role] >= RANK[needed]) return;
  if (principal.role === 'anonymous') throw unauthenticated('send "Authorization: Bearer <token>"');
  const own =
    policy.owners !== undefined && owners.length > 0 && owners.every((o) => o !== null && o === principal.subject);
  if (own) return;
  throw forbidden(
    policy.owners
      ? "another user's data, or an operation for the service or admin role"
      : `needs the ${policy.role} role`,
  );
}

export const authChecker: AuthChecker<{ principal: Principal }, Policy> = (data, policies) => {
  for (const policy of policies) authorize(data.context.principal, policy, policy.owners ? policy.owners(data) : []);
  return true;
};
