// The certificate enrollment policy ([MS-XCEP] GetPolicies as [MS-MDE2] §3.3 profiles it): what
// kind of key and request the PC must make. Asked with the same credential as the enrollment, and
// checked the same way, so a wrong password is refused here already and nothing is spent.
import type { WsseCredential } from '../../protocol/windows/mde2.js';
import type { PolicyHashAlgorithm } from '../../protocol/windows/xcep.js';
import { checkWindowsCredential, type WindowsCredentialDeps } from './windows-credential.js';
import { WINDOWS_CERTIFICATE_TEMPLATE, WINDOWS_IDENTITY_VALIDITY_DAYS, WINDOWS_MINIMAL_KEY_LENGTH } from './windows-paths.js';

export interface WindowsCertificatePolicy {
  commonName: string;
  minimalKeyLength: number;
  hashAlgorithm: PolicyHashAlgorithm;
  validityPeriodSeconds: number;
  renewalPeriodSeconds: number;
}

export async function windowsCertificatePolicy(deps: WindowsCredentialDeps, input: { credential: WsseCredential }): Promise<WindowsCertificatePolicy> {
  await checkWindowsCredential(deps, input.credential);
  return {
    commonName: WINDOWS_CERTIFICATE_TEMPLATE,
    minimalKeyLength: WINDOWS_MINIMAL_KEY_LENGTH,
    hashAlgorithm: 'sha256',
    validityPeriodSeconds: WINDOWS_IDENTITY_VALIDITY_DAYS * 86_400,
    // Windows starts renewing this long before expiry (Intune's default is 42 days).
    renewalPeriodSeconds: 42 * 86_400,
  };
}
