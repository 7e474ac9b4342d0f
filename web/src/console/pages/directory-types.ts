// Graph shapes of users and groups as the console pages read them.

export interface User {
  id: string; userPrincipalName: string; displayName: string; department: string | null; jobTitle: string | null; mail: string | null;
  mobilePhone: string | null; usageLocation: string | null; accountEnabled: boolean; createdDateTime: string; assignedLicenses: { skuId: string }[];
}

export interface Group {
  id: string; displayName: string; description: string | null; groupTypes: string[];
  membershipRule: string | null; membershipRuleProcessingState: 'On' | 'Paused' | null; createdDateTime: string;
}

/** Steward's licence (STEWARD_DEVICE_MANAGEMENT), listed by /subscribedSkus. */
export const STEWARD_SKU = '1d120cbe-e608-4462-95fe-00e718c51c4f';
