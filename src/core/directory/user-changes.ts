// The one hook for "a user changed in a way their devices' policies depend on": licences assigned
// or removed (assignLicense, the CSV import), the account enabled or disabled, a name that per-user
// profiles carry, the user deleted. makeCore (core/deps.ts) wraps the UserStore with
// notifyingUserStore, so every such change that goes through the core's users reaches the
// listeners in `Core.onUsersChanged` once it is stored; compliance re-evaluation and configuration
// reconcile of the users' devices register there, as they do for group membership
// (membership-changes.ts). Listeners run in order and are awaited, so the change's request returns
// after they did; an error in one is the request's error (the change itself is already stored, and
// the periodic sweeps repair what a listener missed).
//
// A deleted user's devices keep their primary user (managed_devices.user_id still names them, as
// before this hook), so the listeners find them; the user is gone, so the devices count as having
// no licensed user and no user groups.
import type { UserStore } from './ports.js';
import type { User } from './user.js';

export interface UsersChange {
  userIds: readonly string[];
  change: 'licenses' | 'updated' | 'deleted';
}

export type UsersListener = (change: UsersChange) => Promise<void>;

/** Properties whose change reaches devices: allLicensedUsers targets, user names in states and per-user profiles. */
const reaching = ['accountEnabled', 'userPrincipalName', 'displayName', 'mail'] as const satisfies readonly (keyof User)[];

export function notifyingUserStore(users: UserStore, listeners: readonly UsersListener[]): UserStore {
  const notify = async (change: UsersChange) => {
    for (const listener of listeners) await listener(change);
  };
  return {
    ...users,
    async changeLicenses(id, add, removeSkuIds, now) {
      await users.changeLicenses(id, add, removeSkuIds, now);
      await notify({ userIds: [id], change: 'licenses' });
    },
    async update(id, changes) {
      const outcome = await users.update(id, changes);
      if (outcome === 'updated' && reaching.some((k) => changes[k] !== undefined)) await notify({ userIds: [id], change: 'updated' });
      return outcome;
    },
    async delete(id) {
      const deleted = await users.delete(id);
      if (deleted) await notify({ userIds: [id], change: 'deleted' });
      return deleted;
    },
  };
}
