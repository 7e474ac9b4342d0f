// Steward's own license, assigned with Graph's user.assignLicense. A user must hold it before
// they may enroll devices (as Intune requires an Intune license).
export interface Sku {
  skuId: string;
  skuPartNumber: string;
  servicePlans: { servicePlanId: string; servicePlanName: string; appliesTo: 'User' }[];
}

export const stewardSku: Sku = {
  skuId: '1d120cbe-e608-4462-95fe-00e718c51c4f',
  skuPartNumber: 'STEWARD_DEVICE_MANAGEMENT',
  servicePlans: [{ servicePlanId: 'a6a630e3-4587-47ad-861e-e50f97fb60fa', servicePlanName: 'STEWARD_MDM', appliesTo: 'User' }],
};

export const skus: readonly Sku[] = [stewardSku];

/** Graph's ids are GUIDs, which compare without regard to case. */
const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function findSku(skuId: string): Sku | undefined {
  return skus.find((s) => sameId(s.skuId, skuId));
}

/** An enabled user whose Steward license does not have the MDM plan disabled. */
export function isLicensedForEnrollment(user: { accountEnabled: boolean; assignedLicenses: { skuId: string; disabledPlans: string[] }[] }): boolean {
  if (!user.accountEnabled) return false;
  const mdmPlan = stewardSku.servicePlans[0]!.servicePlanId;
  return user.assignedLicenses.some((l) => sameId(l.skuId, stewardSku.skuId) && !l.disabledPlans.some((p) => sameId(p, mdmPlan)));
}

/** Graph's assignedPlan: one enabled service plan of a license the user holds. */
export interface AssignedPlan {
  servicePlanId: string;
  service: string;
  capabilityStatus: 'Enabled';
}

/** The service plans a user's licenses give them (those not disabled), as user.assignedPlans lists them. */
export function assignedPlansOf(user: { assignedLicenses: { skuId: string; disabledPlans: string[] }[] }): AssignedPlan[] {
  return user.assignedLicenses.flatMap((l) => {
    const sku = findSku(l.skuId);
    if (!sku) return [];
    return sku.servicePlans
      .filter((p) => !l.disabledPlans.some((d) => sameId(d, p.servicePlanId)))
      .map((p) => ({ servicePlanId: p.servicePlanId, service: p.servicePlanName, capabilityStatus: 'Enabled' as const }));
  });
}
