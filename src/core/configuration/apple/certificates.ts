// Graph's trusted root and SCEP certificate profiles → com.apple.security.root and
// com.apple.security.scep. The SCEP payload enrols with Steward's own SCEP service.
import { invalidInput } from '../../errors.js';
import type { PlistDict, PlistValue } from '../../../protocol/apple/plist.js';
import { KEY_SIZE, keyUsageBits, scepAltNames, scepSubject } from '../scep-subject.js';
import { certificateDer } from '../translation.js';
import type { AppleFamilyTranslator } from './types.js';

export const appleTrustedRoot: AppleFamilyTranslator = (r) => {
  const der = certificateDer(r.str('trustedRootCertificate') ?? '', 'trustedRootCertificate');
  const name = r.str('certFileName') ?? 'Trusted root';
  return { payloads: [{ type: 'com.apple.security.root', suffix: 'root', displayName: name, content: { PayloadContent: new Uint8Array(der) } }], notApplicable: [] };
};

export const appleScep: AppleFamilyTranslator = (r, target) => {
  const scep = target.context.scep;
  if (!scep) throw invalidInput('A SCEP profile needs Steward\'s SCEP service (a challenge) to translate.', 'scepServerUrls');
  const url = r.strings('scepServerUrls')[0] ?? '';
  const content: PlistDict = {
    URL: url,
    Name: target.context.organization,
    Subject: scepSubject(r, target.context).map(([k, v]) => [[k, v]]),
    Challenge: scep.challenge,
    Keysize: KEY_SIZE[r.str('keySize') ?? 'size2048'] ?? 2048,
    'Key Type': 'RSA',
    'Key Usage': keyUsageBits(r.str('keyUsage')),
  };
  const san = scepAltNames(r, target.context);
  if (Object.keys(san).length > 0) content.SubjectAltName = san as Record<string, PlistValue>;
  if (target.platform === 'macOS' && r.on('allowAllAppsAccess')) content.AllowAllAppsAccess = true;
  if (target.platform === 'macOS') r.touch('certificateStore'); // the keychain is chosen by the profile's scope
  const notApplicable = r.strings('scepServerUrls').length > 1
    ? [{ setting: 'scepServerUrls', reason: 'Apple devices use one SCEP URL; the first is used.' }]
    : [];
  return { payloads: [{ type: 'com.apple.security.scep', suffix: 'scep', displayName: 'SCEP certificate', content: { PayloadContent: content } }], notApplicable };
};
