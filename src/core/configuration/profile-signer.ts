// Steward's CA as the signer of configuration profiles: CMS SignedData with the profile attached,
// signed by the CA's key (which stays with the CA), as the enrollment profile is signed.
import type { Clock } from '../clock.js';
import type { ProfileSigner } from '../enrollment/apple-profile.js';
import { signData } from '../../protocol/cms/signed-data.js';

/** The part of the CA (core/pki/ports.ts CertificateAuthority) that signing uses; lint keeps core from importing pki paths. */
export interface CmsSigningCa {
  caCertificateDer(): Uint8Array;
  signCmsAttributes(signedAttributes: Uint8Array): Uint8Array;
}

export function caProfileSigner(ca: CmsSigningCa, clock: Clock): ProfileSigner {
  return {
    caCertificateDer: () => ca.caCertificateDer(),
    signProfile: (content) => signData(content, { certificateDer: ca.caCertificateDer(), sign: (attributes) => ca.signCmsAttributes(attributes) }, { signingTime: clock.now() }),
  };
}
