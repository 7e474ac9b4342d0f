// A DeviceLocation answer as Graph's deviceGeoLocation (locateDeviceActionResult.deviceLocation).
// Pure. Apple reports unknown accuracy, speed and course as negative numbers ("Device Location
// Command"); Graph has null for unknown.
import type { JsonValue } from '../commands/ports.js';
import type { DeviceGeoLocation } from '../actions/ports.js';
import { date, dictOf, num } from './json-read.js';

export function deviceLocation(response: JsonValue | undefined, receivedAt: Date): DeviceGeoLocation | undefined {
  const d = dictOf(response);
  if (!d) return undefined;
  const latitude = num(d, 'Latitude');
  const longitude = num(d, 'Longitude');
  if (latitude === undefined || longitude === undefined) return undefined;
  const known = (k: string) => {
    const v = num(d, k);
    return v === undefined || v < 0 ? null : v;
  };
  return {
    latitude,
    longitude,
    altitude: num(d, 'Altitude') ?? null,
    horizontalAccuracy: known('HorizontalAccuracy'),
    verticalAccuracy: known('VerticalAccuracy'),
    heading: known('Course'),
    speed: known('Speed'),
    lastCollectedDateTime: date(d, 'Timestamp') ?? receivedAt.toISOString(),
  };
}
