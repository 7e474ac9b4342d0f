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

export function findSku(skuId: string): Sku | undefined {
  return skus.find((s) => s.skuId.toLowerCase() === skuId.toLowerCase());
}

export function isLicensedForEnrollment(user: { accountEnabled: boolean; assignedLicenses: { skuId: string; disabledPlans: string[] }[] }): boolean {
  if (!user.accountEnabled) return false;
  return user.assignedLicenses.some((l) => l.skuId === stewardSku.skuId && !l.disabledPlans.includes(stewardSku.servicePlans[0]!.servicePlanId));
}
