// The native commands of delivery: Windows verbs per node (Exec, Replace for the Policy CSP and for
// nodes the device has, Add for new ones), what removal deletes, and conflicts between profiles.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { removalNodes, windowsInstallPayload } from './native-command.js';
import { conflictsOn, contestedKeys, fingerprint } from './conflicts.js';
import type { OmaDmSetting } from './translation.js';

const wlan = (ssid: string): OmaDmSetting => ({ locUri: `./Vendor/MSFT/WiFi/Profile/${ssid}/WlanXml`, format: 'chr', value: `<WLANProfile>${ssid}</WLANProfile>` });
const camera = (value: string): OmaDmSetting => ({ locUri: './Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera', format: 'int', value });

describe('Windows delivery commands', () => {
  it('adds new profile nodes, replaces policies, custom nodes and nodes the PC has, executes SCEP enrolment, in one Atomic when verbs mix', () => {
    assert.equal(windowsInstallPayload([{ locUri: './Vendor/MSFT/Custom/Node', format: 'chr', value: 'x' }], []).verb, 'Replace');
    assert.deepEqual(windowsInstallPayload([camera('0')], []), { verb: 'Replace', items: [{ target: camera('0').locUri, format: 'int', data: '0' }] });
    assert.equal(windowsInstallPayload([wlan('Staff')], []).verb, 'Add');
    assert.equal(windowsInstallPayload([wlan('Staff')], ['./Vendor/MSFT/WiFi/Profile/Staff']).verb, 'Replace');
    // A renamed SSID is a new node: Add, although the PC has the old one.
    assert.equal(windowsInstallPayload([wlan('Guest')], ['./Vendor/MSFT/WiFi/Profile/Staff']).verb, 'Add');
    const scep = './Device/Vendor/MSFT/ClientCertificateInstall/SCEP/p1/Install';
    const mixed = windowsInstallPayload([{ locUri: `${scep}/ServerURL`, format: 'chr', value: 'https://x/scep' }, { locUri: `${scep}/Enroll`, format: 'chr', value: '', exec: true }], []);
    assert.deepEqual(mixed, { verb: 'Atomic', commands: [{ verb: 'Add', items: [{ target: `${scep}/ServerURL`, format: 'chr', data: 'https://x/scep' }] }, { verb: 'Exec', items: [{ target: `${scep}/Enroll` }] }] });
  });

  it('removes the node a profile made, once, and policy nodes as they are', () => {
    assert.deepEqual(removalNodes([wlan('Staff').locUri, './Vendor/MSFT/WiFi/Profile/Staff/Proxy', camera('0').locUri, './Device/Vendor/MSFT/ClientCertificateInstall/SCEP/p1/Install/ServerURL']), [
      './Vendor/MSFT/WiFi/Profile/Staff', camera('0').locUri, './Device/Vendor/MSFT/ClientCertificateInstall/SCEP/p1',
    ]);
  });
});

describe('conflicts', () => {
  it('names a node two profiles set differently, on both, and ignores agreeing values', () => {
    const a = { id: 'a', displayName: 'A', settings: fingerprint({ platform: 'windows', settings: [camera('0'), wlan('Staff')], notApplicable: [] }) };
    const b = { id: 'b', displayName: 'B', settings: fingerprint({ platform: 'windows', settings: [{ ...camera('1'), locUri: './Vendor/MSFT/Policy/Config/Camera/AllowCamera' }], notApplicable: [] }) };
    const c = { id: 'c', displayName: 'C', settings: fingerprint({ platform: 'windows', settings: [camera('0')], notApplicable: [] }) };
    const contested = contestedKeys([a, b, c]);
    assert.deepEqual([...contested], ['./vendor/msft/policy/config/camera/allowcamera']);
    const found = conflictsOn([a, b, c], contested);
    assert.deepEqual([...found.keys()].sort(), ['a', 'b', 'c']);
    assert.deepEqual(found.get('b')?.[0]?.sources.map((s) => s.id), ['a', 'b', 'c']);
    assert.equal(conflictsOn([a, c], contested).size, 0);
    // Apple: Wi-Fi payloads never conflict; restrictions do.
    const apple = (id: string, allowCamera: boolean, ssid: string) => ({ id, displayName: id, settings: fingerprint({ platform: 'iOS', notApplicable: [], profile: { PayloadContent: [
      { PayloadType: 'com.apple.wifi.managed', SSID_STR: ssid }, { PayloadType: 'com.apple.applicationaccess', allowCamera },
    ] } }) });
    const [x, y] = [apple('x', false, 'One'), apple('y', true, 'Two')];
    assert.deepEqual([...contestedKeys([x, y])], ['com.apple.applicationaccess/allowCamera']);
  });
});
