// Graph's windows10CustomConfiguration: the admin's own OMA-URI settings, written as given.
import type { NotApplicable, OmaDmSetting } from '../translation.js';
import { MASK } from '../catalog.js';
import type { WindowsFamilyTranslator } from './types.js';

const FORMAT: Record<string, OmaDmSetting['format']> = {
  omaSettingString: 'chr', omaSettingInteger: 'int', omaSettingBoolean: 'bool', omaSettingFloatingPoint: 'float',
  omaSettingBase64: 'b64', omaSettingDateTime: 'chr', omaSettingStringXml: 'chr',
};

export const windowsCustom: WindowsFamilyTranslator = (r) => {
  const settings: OmaDmSetting[] = [];
  const notApplicable: NotApplicable[] = [];
  for (const [n, s] of r.objects('omaSettings').entries()) {
    const given = s['@odata.type'];
    const type = (typeof given === 'string' ? given : 'omaSettingString').replace(/^#?microsoft\.graph\./, '');
    const setting = `omaSettings[${n}]`;
    const uri = String(s.omaUri);
    if (s.isEncrypted === true && s.value === MASK) {
      // What Graph answers for an encrypted value: an export taken from GET carries no plain value.
      notApplicable.push({ setting, reason: `${uri}: the value is masked ('****'), as Graph exports encrypted values; set the plain value.` });
      continue;
    }
    const format = FORMAT[type] ?? 'chr';
    let value: string;
    // omaSettingStringXml carries its XML as base64 (Edm.Binary); the device wants the text.
    if (type === 'omaSettingStringXml' && typeof s.value === 'string') value = Buffer.from(s.value, 'base64').toString('utf8');
    else if (typeof s.value === 'boolean') value = String(s.value);
    else if (typeof s.value === 'number') value = String(s.value);
    else if (typeof s.value === 'string') value = s.value;
    else { notApplicable.push({ setting, reason: `${uri}: no value.` }); continue; }
    settings.push({ locUri: uri, format, value, ...(s.isEncrypted === true ? { secret: true as const } : {}) });
  }
  return { settings, notApplicable };
};
