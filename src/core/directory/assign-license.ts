import type { Clock } from '../clock.js';
import { invalidInput } from '../errors.js';
import type { Scope } from '../rbac/scope.js';
import { findSku } from './licenses.js';
import type { UserStore } from './ports.js';
import type { AssignedLicense, User } from './user.js';
import { getUser } from './read-users.js';

/** Graph POST /users/{id}/assignLicense: returns the user before and after. */
export async function assignLicense(
  deps: { users: UserStore; clock: Clock; /** Dynamic groups may select users by their plans. */ onUserChanged?(user: User): Promise<void> },
  input: { id: string; scope: Scope; addLicenses: AssignedLicense[]; removeLicenses: string[] },
): Promise<{ before: User; after: User }> {
  const before = await getUser(deps, { idOrUpn: input.id, scope: input.scope });
  const known = (skuId: string, target: string) => {
    const sku = findSku(skuId);
    if (!sku) throw invalidInput(`License ${skuId} does not correspond to a valid company License.`, target);
    return sku;
  };
  const add = input.addLicenses.map((l) => {
    const sku = known(l.skuId, 'addLicenses');
    // Kept in the SKU's own spelling, so that readers may compare ids as they are.
    const disabledPlans = [...new Set(l.disabledPlans.map((plan) => {
      const known = sku.servicePlans.find((p) => p.servicePlanId.toLowerCase() === plan.toLowerCase());
      if (!known) throw invalidInput(`disabledPlans: ${plan} is not a service plan of ${sku.skuPartNumber}.`, 'addLicenses');
      return known.servicePlanId;
    }))];
    return { skuId: sku.skuId, disabledPlans };
  });
  const remove = input.removeLicenses.map((id) => known(id, 'removeLicenses').skuId);
  await deps.users.changeLicenses(before.id, add, remove, deps.clock.now());
  const after = await getUser(deps, { idOrUpn: before.id, scope: input.scope });
  await deps.onUserChanged?.(after);
  return { before, after };
}
