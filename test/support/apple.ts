// An in-process Steward with its CA and an uploaded MDM push certificate: what Apple enrollment needs.
import { after, before } from 'node:test';
import type { Database } from '../../src/store/database.js';
import type { TestDialect } from '../../src/store/testing.js';
import { SimulatedAppleDevice, type SimulatedAppleDeviceOptions } from '../../sim/apple/device.js';
import { injectTransport } from '../../sim/apple/transport.js';
import { createCertificateAuthority, type NewCertificateAuthority } from '../../src/pki/certificate-authority.js';
import type { HttpDeps } from '../../src/http/app.js';
import { bearer, testApp, type TestApp } from './http.js';
import { PushCertificateFactory } from './push-certificates.js';

export const enrollmentAdmin = bearer(
  'Microsoft.Intune_AppleEnrollmentProfiles_Read', 'Microsoft.Intune_AppleEnrollmentProfiles_Create',
  'Microsoft.Intune_AppleEnrollmentProfiles_Update', 'Microsoft.Intune_AppleEnrollmentProfiles_Delete',
  'Microsoft.Intune_Audit_Read',
);

export interface AppleTestApp extends TestApp {
  ca: NewCertificateAuthority;
  topic: string;
}

let sharedCa: Promise<NewCertificateAuthority> | undefined;
/** One CA per test process: RSA 3072 key generation is slow. */
export function testCa(): Promise<NewCertificateAuthority> {
  sharedCa ??= createCertificateAuthority();
  return sharedCa;
}

export async function appleTestApp(database: Database, options: { pushCertificate?: boolean } & Pick<HttpDeps, 'devices' | 'webRoot'> = {}): Promise<AppleTestApp> {
  const ca = await testCa();
  const t = await testApp(database, { ca: ca.ca, ...(options.devices ? { devices: options.devices } : {}), ...(options.webRoot ? { webRoot: options.webRoot } : {}) });
  let topic = '';
  if (options.pushCertificate !== false) {
    const factory = new PushCertificateFactory();
    const cert = factory.issue();
    topic = cert.topic;
    const now = new Date();
    await t.core.pushCertificates.replace({
      certificatePem: cert.certificate, privateKeyPem: cert.privateKey, serialNumber: cert.serialNumber, topic,
      appleIdentifier: 'admin@example.com', notBefore: now, notAfter: new Date(now.getTime() + 365 * 86400_000),
      uploadedAt: now, modifiedAt: now, uploadStatus: 'succeeded', uploadFailureReason: null,
    }, null);
  }
  return { ...t, ca, topic };
}

/** Creates an enrollment profile through the API and returns its JSON (with tokenValue and enrollmentUrl). */
export async function createEnrollmentProfile(t: TestApp, body: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string; tokenValue: string; enrollmentUrl: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/v1.0/deviceManagement/enrollmentProfiles', headers: enrollmentAdmin, payload: { displayName: 'Corporate iPhones', platform: 'iOS', ...body } });
  if (res.statusCode !== 201) throw new Error(`create enrollment profile: ${res.statusCode} ${res.body}`);
  return res.json();
}

export type DeviceKind = 'iPhone' | 'iPad' | 'Mac';
type DeviceOptions = Partial<Omit<SimulatedAppleDeviceOptions, 'kind' | 'transport' | 'trust'>>;

/** A simulated device that talks to the app in process and trusts its CA, as its user would. */
export function simulatedDevice(t: AppleTestApp, kind: DeviceKind = 'iPhone', options: DeviceOptions = {}): SimulatedAppleDevice {
  return new SimulatedAppleDevice({ kind, transport: injectTransport(t.app), trust: t.ca.certificatePem, ...options });
}

/** A device enrolled with a new enrollment profile of its platform; `id` is its enrollment's (and managedDevice's) id. */
export async function enrolledDevice(t: AppleTestApp, kind: DeviceKind = 'iPhone', options: DeviceOptions = {}, profile: Record<string, unknown> = {}): Promise<{ device: SimulatedAppleDevice; id: string }> {
  const created = await createEnrollmentProfile(t, { platform: kind === 'Mac' ? 'macOS' : 'iOS', ...profile });
  const device = simulatedDevice(t, kind, options);
  await device.installEnrollmentProfile(created.enrollmentUrl);
  const enrollment = await t.core.appleEnrollments.activeByUdid(device.udid);
  if (!enrollment) throw new Error(`no active enrollment for ${device.udid}`);
  return { device, id: enrollment.id };
}

/** One app with a fresh database per describe block: call inside describe(); read the result in tests. */
export function appleTestAppFor(dialect: TestDialect): { readonly t: AppleTestApp; readonly database: Database } {
  const state: { t?: AppleTestApp; database?: Database } = {};
  before(async () => {
    state.database = await dialect.open();
    state.t = await appleTestApp(state.database);
  });
  after(async () => {
    await state.t?.app.close();
    await state.database?.close();
  });
  return {
    get t() { if (!state.t) throw new Error('used before the test app was built'); return state.t; },
    get database() { if (!state.database) throw new Error('used before the database was opened'); return state.database; },
  };
}
