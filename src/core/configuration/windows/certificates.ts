// Graph's windows81TrustedRootCertificate → RootCATrustedCertificates, and
// windows81SCEPCertificateProfile → ClientCertificateInstall/SCEP with Steward's SCEP service.
import { createHash } from 'node:crypto';
import { invalidInput } from '../../errors.js';
import { scepInstall, trustedCertificate } from '../../../protocol/windows/csp-settings/paths.js';
import { KEY_SIZE, keyUsageBits, scepAltNames, scepSubject } from '../scep-subject.js';
import { certificateDer, type OmaDmSetting } from '../translation.js';
import type { WindowsFamilyTranslator } from './types.js';

export const windowsTrustedRoot: WindowsFamilyTranslator = (r) => {
  const der = certificateDer(r.str('trustedRootCertificate') ?? '', 'trustedRootCertificate');
  r.touch('certFileName');
  const thumbprint = createHash('sha1').update(der).digest('hex').toUpperCase();
  const dest = r.str('destinationStore') ?? 'computerCertStoreRoot';
  const locUri = dest === 'computerCertStoreRoot' ? trustedCertificate('Root', thumbprint, false)
    : trustedCertificate('CA', thumbprint, dest === 'userCertStoreIntermediate');
  return { settings: [{ locUri, format: 'b64', value: der.toString('base64') }], notApplicable: [] };
};

// SubjectAlternativeNames: "<type>+<value>" pairs joined by ';' (type 1 rfc822Name, 2 dNSName,
// 3 ntPrincipalName, 6 uniformResourceIdentifier), per the ClientCertificateInstall CSP.
const SAN_CODE = { rfc822Name: 1, dNSName: 2, ntPrincipalName: 3, uniformResourceIdentifier: 6 } as const;

/** KeyUsage as the CSP wants it: the X.509 KeyUsage byte, digitalSignature 0x80, keyEncipherment 0x20. */
function csrKeyUsage(value: string | undefined): number {
  const bits = keyUsageBits(value);
  return (bits & 1 ? 0x80 : 0) | (bits & 4 ? 0x20 : 0);
}

export const windowsScep: WindowsFamilyTranslator = (r, target) => {
  const scep = target.context.scep;
  if (!scep) throw invalidInput('A SCEP profile needs Steward\'s SCEP service (a challenge) to translate.', 'scepServerUrls');
  const user = (r.str('certificateStore') ?? 'user') === 'user';
  const base = scepInstall(target.profile.id, user);
  const subject = scepSubject(r, target.context).map(([k, v]) => `${k}=${v.replace(/([,\\])/g, '\\$1')}`).join(',');
  const san = Object.entries(scepAltNames(r, target.context))
    .flatMap(([k, values]) => (values as string[]).map((v) => `${SAN_CODE[k as keyof typeof SAN_CODE]}+${v}`)).join(';');
  const ekus = r.objects('extendedKeyUsages').map((e) => e.objectIdentifier).filter((o): o is string => typeof o === 'string');
  const s = (node: string, format: OmaDmSetting['format'], value: string, secret?: true): OmaDmSetting => ({ locUri: `${base}/${node}`, format, value, ...(secret ? { secret } : {}) });
  const settings: OmaDmSetting[] = [
    s('ServerURL', 'chr', r.strings('scepServerUrls').join(';')),
    s('Challenge', 'chr', scep.challenge, true),
    s('CAThumbprint', 'chr', scep.caThumbprint),
    s('SubjectName', 'chr', subject),
    s('KeyLength', 'int', String(KEY_SIZE[r.str('keySize') ?? 'size2048'] ?? 2048)),
    s('KeyUsage', 'int', String(csrKeyUsage(r.str('keyUsage')))),
    s('HashAlgorithm', 'chr', (r.str('hashAlgorithm') ?? 'sha2').split(',').map((h) => (h.trim() === 'sha1' ? 'SHA-1' : 'SHA-2')).join('+')),
    s('EKUMapping', 'chr', ekus.length > 0 ? ekus.join('+') : '1.3.6.1.5.5.7.3.2'),
    ...(san !== '' ? [s('SubjectAlternativeNames', 'chr', san)] : []),
  ];
  const period = r.int('certificateValidityPeriodValue');
  if (period !== undefined) {
    settings.push(s('ValidPeriod', 'chr', { days: 'Days', months: 'Months', years: 'Years' }[r.str('certificateValidityPeriodScale') ?? 'years'] ?? 'Years'));
    settings.push(s('ValidPeriodUnits', 'int', String(period)));
  }
  settings.push({ locUri: `${base}/Enroll`, format: 'chr', value: '', exec: true });
  return { settings, notApplicable: [] };
};
