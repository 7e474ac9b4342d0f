// Which kind of device the portal is open on, from the browser's user agent, to show the right
// enrollment steps first. The person can always pick another kind: user agents can lie, and
// iPadOS Safari asks for desktop pages as a Mac ("Macintosh" with a touch screen).

export type DevicePlatform = 'iOS' | 'macOS' | 'windows' | 'android' | 'other';

export const PLATFORM_NAMES: Readonly<Record<DevicePlatform, string>> = {
  iOS: 'iPhone or iPad',
  macOS: 'Mac',
  windows: 'Windows PC',
  android: 'Android device',
  other: 'Other device',
};

export const PLATFORM_ARTICLES: Readonly<Record<DevicePlatform, 'a' | 'an'>> = { iOS: 'an', macOS: 'a', windows: 'a', android: 'an', other: 'an' };

export function detectPlatform(userAgent: string, maxTouchPoints = 0): DevicePlatform {
  if (/\b(iPhone|iPad|iPod)\b/.test(userAgent)) return 'iOS';
  if (/\bAndroid\b/.test(userAgent)) return 'android';
  if (/\bWindows NT\b/.test(userAgent)) return 'windows';
  // iPadOS 13+ reports a Mac; a Mac has no touch screen.
  if (/\bMacintosh\b/.test(userAgent)) return maxTouchPoints > 1 ? 'iOS' : 'macOS';
  return 'other';
}

/** Which self-service actions a device can take at all (the server still decides, in words). */
export function actionsFor(operatingSystem: string | null): { remoteLock: boolean; resetPasscode: boolean } {
  const os = (operatingSystem ?? '').toLowerCase();
  const mobileApple = os === 'ios' || os === 'ipados';
  return { remoteLock: mobileApple || os === 'macos', resetPasscode: mobileApple };
}
