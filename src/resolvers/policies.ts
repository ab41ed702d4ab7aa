// The access rule of each guarded field, named once; src/auth/policy.ts evaluates them. Catalogue reads are public.
import { ownerOr, requireRole, type Policy } from '../auth/policy.js';

type Args = Record<string, unknown>;
const arg =
  (name: string) =>
  ({ args }: { args: Args }) => [String(args[name])];
const rootId = ({ root }: { root: unknown }) => [String((root as { id: string }).id)];

export const policies = {
  /** user(id): the user itself, or service and admin. */
  readUser: ownerOr('service', arg('id')),
  /** Fields of a User (profile, history, behaviours, recommendations). */
  userData: ownerOr('service', rootId),
  /** User.export: the user itself or an admin. */
  exportUser: ownerOr('admin', rootId),
  listUsers: requireRole('service'),
  upsertUser: ownerOr('service', ({ args }) => [String((args.input as { id: string }).id)]),
  recordBehavior: ownerOr('service', ({ args }) => [String((args.input as { userId: string }).userId)]),
  recordBehaviors: ownerOr('service', ({ args }) =>
    (args.inputs as Array<{ userId: string }>).map((i) => String(i.userId)),
  ),
  /** recordRelation: the same rule as recordBehavior (a user token only for its own userId). */
  recordRelation: ownerOr('service', ({ args }) => [String((args.input as { userId: string }).userId)]),
  writeCatalogue: requireRole('service'),
  deleteItems: requireRole('admin'),
  rebuildProfile: requireRole('admin'),
  /** The admin console's model page and per-item interaction counts. */
  modelInfo: requireRole('admin'),
  itemInteractions: requireRole('admin'),
  /** deleteUser(id): the user itself or an admin. */
  deleteUser: ownerOr('admin', arg('id')),
  /** profileUpdated(userId): the user itself or service; every user's stream (no userId) is for admins. */
  profileUpdated: ownerOr('service', ({ args }) => [(args.userId as string | null | undefined) ?? null], 'admin'),
} satisfies Record<string, Policy>;
