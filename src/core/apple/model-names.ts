// The names people know Apple devices by, from the product code DeviceInformation's ProductName
// gives ('iPhone16,1' → 'iPhone 15 Pro'), as Intune shows managedDevice.model. Codes from Apple's
// published identifiers ("Identify your iPhone model", "Identify your iPad model"); a code not
// listed (a newer device) falls back in `modelOf` below. Macs are named by ModelName ('MacBook
// Air'), which the device reports itself.
const IPHONES: Readonly<Record<string, string>> = {
  'iPhone10,1': 'iPhone 8', 'iPhone10,4': 'iPhone 8', 'iPhone10,2': 'iPhone 8 Plus', 'iPhone10,5': 'iPhone 8 Plus',
  'iPhone10,3': 'iPhone X', 'iPhone10,6': 'iPhone X',
  'iPhone11,2': 'iPhone XS', 'iPhone11,4': 'iPhone XS Max', 'iPhone11,6': 'iPhone XS Max', 'iPhone11,8': 'iPhone XR',
  'iPhone12,1': 'iPhone 11', 'iPhone12,3': 'iPhone 11 Pro', 'iPhone12,5': 'iPhone 11 Pro Max', 'iPhone12,8': 'iPhone SE (2nd generation)',
  'iPhone13,1': 'iPhone 12 mini', 'iPhone13,2': 'iPhone 12', 'iPhone13,3': 'iPhone 12 Pro', 'iPhone13,4': 'iPhone 12 Pro Max',
  'iPhone14,4': 'iPhone 13 mini', 'iPhone14,5': 'iPhone 13', 'iPhone14,2': 'iPhone 13 Pro', 'iPhone14,3': 'iPhone 13 Pro Max',
  'iPhone14,6': 'iPhone SE (3rd generation)', 'iPhone14,7': 'iPhone 14', 'iPhone14,8': 'iPhone 14 Plus',
  'iPhone15,2': 'iPhone 14 Pro', 'iPhone15,3': 'iPhone 14 Pro Max', 'iPhone15,4': 'iPhone 15', 'iPhone15,5': 'iPhone 15 Plus',
  'iPhone16,1': 'iPhone 15 Pro', 'iPhone16,2': 'iPhone 15 Pro Max',
  'iPhone17,1': 'iPhone 16 Pro', 'iPhone17,2': 'iPhone 16 Pro Max', 'iPhone17,3': 'iPhone 16', 'iPhone17,4': 'iPhone 16 Plus', 'iPhone17,5': 'iPhone 16e',
};

const IPADS: Readonly<Record<string, string>> = {
  ...pair(['iPad7,5', 'iPad7,6'], 'iPad (6th generation)'),
  ...pair(['iPad7,11', 'iPad7,12'], 'iPad (7th generation)'),
  ...pair(['iPad11,6', 'iPad11,7'], 'iPad (8th generation)'),
  ...pair(['iPad12,1', 'iPad12,2'], 'iPad (9th generation)'),
  ...pair(['iPad13,18', 'iPad13,19'], 'iPad (10th generation)'),
  ...pair(['iPad11,3', 'iPad11,4'], 'iPad Air (3rd generation)'),
  ...pair(['iPad13,1', 'iPad13,2'], 'iPad Air (4th generation)'),
  ...pair(['iPad13,16', 'iPad13,17'], 'iPad Air (5th generation)'),
  ...pair(['iPad14,8', 'iPad14,9'], 'iPad Air 11-inch (M2)'),
  ...pair(['iPad14,10', 'iPad14,11'], 'iPad Air 13-inch (M2)'),
  ...pair(['iPad11,1', 'iPad11,2'], 'iPad mini (5th generation)'),
  ...pair(['iPad14,1', 'iPad14,2'], 'iPad mini (6th generation)'),
  ...pair(['iPad16,1', 'iPad16,2'], 'iPad mini (A17 Pro)'),
  ...pair(['iPad8,1', 'iPad8,2', 'iPad8,3', 'iPad8,4'], 'iPad Pro 11-inch (1st generation)'),
  ...pair(['iPad8,5', 'iPad8,6', 'iPad8,7', 'iPad8,8'], 'iPad Pro 12.9-inch (3rd generation)'),
  ...pair(['iPad8,9', 'iPad8,10'], 'iPad Pro 11-inch (2nd generation)'),
  ...pair(['iPad8,11', 'iPad8,12'], 'iPad Pro 12.9-inch (4th generation)'),
  ...pair(['iPad13,4', 'iPad13,5', 'iPad13,6', 'iPad13,7'], 'iPad Pro 11-inch (3rd generation)'),
  ...pair(['iPad13,8', 'iPad13,9', 'iPad13,10', 'iPad13,11'], 'iPad Pro 12.9-inch (5th generation)'),
  ...pair(['iPad14,3', 'iPad14,4'], 'iPad Pro 11-inch (4th generation)'),
  ...pair(['iPad14,5', 'iPad14,6'], 'iPad Pro 12.9-inch (6th generation)'),
  ...pair(['iPad16,3', 'iPad16,4'], 'iPad Pro 11-inch (M4)'),
  ...pair(['iPad16,5', 'iPad16,6'], 'iPad Pro 13-inch (M4)'),
};

function pair(codes: readonly string[], name: string): Record<string, string> {
  return Object.fromEntries(codes.map((c) => [c, name]));
}

/** The marketing name of an iPhone or iPad product code, if known. */
export function marketingName(productName: string | undefined): string | undefined {
  if (productName === undefined) return undefined;
  return IPHONES[productName] ?? IPADS[productName];
}

/**
 * managedDevice.model: the marketing name when the code is known; a Mac's ModelName ('MacBook
 * Pro'); otherwise the product code (more telling than ModelName's bare 'iPhone'), then ModelName.
 */
export function modelOf(q: { productName?: string; modelName?: string; isMac: boolean }): string | undefined {
  const known = marketingName(q.productName);
  if (known) return known;
  if (q.isMac) return q.modelName ?? q.productName;
  return q.productName ?? q.modelName;
}
