// LocURIs of the CSPs configuration profiles write. Sources (learn.microsoft.com/windows/
// client-management/mdm/…): wifi-csp, vpnv2-csp, policy-csp-devicelock, policy-csp-camera, …,
// clientcertificateinstall-csp, rootcacertificates-csp. A node name chosen by the server (an SSID,
// a VPN profile name) is percent-encoded: it is one URI segment.

const segment = (name: string) => encodeURIComponent(name);

export const wifiProfile = (ssid: string) => `./Vendor/MSFT/WiFi/Profile/${segment(ssid)}`;
export const vpnProfile = (name: string, user: boolean) => `./${user ? 'User' : 'Device'}/Vendor/MSFT/VPNv2/${segment(name)}`;
export const policy = (area: string, name: string) => `./Device/Vendor/MSFT/Policy/Config/${area}/${name}`;

/** RootCATrustedCertificates stores: Root (trusted roots) and CA (intermediates). */
export const trustedCertificate = (store: 'Root' | 'CA', thumbprint: string, user: boolean) =>
  `./${user ? 'User' : 'Device'}/Vendor/MSFT/RootCATrustedCertificates/${store}/${thumbprint}/EncodedCertificate`;

/** An Exchange ActiveSync account; the account id is a GUID in braces. */
export const activeSyncAccount = (accountGuid: string) => `./User/Vendor/MSFT/ActiveSync/Accounts/${segment(`{${accountGuid}}`)}`;

export const scepInstall = (uniqueId: string, user: boolean) =>
  `./${user ? 'User' : 'Device'}/Vendor/MSFT/ClientCertificateInstall/SCEP/${segment(uniqueId)}/Install`;
