// Why Steward refuses a Windows enrollment message, in words for the person at the PC. The
// enrollment endpoints turn the reason into an [MS-MDE2] §2.2.10 SOAP fault (http/mdm/windows/
// enrollment-faults.ts); nothing here knows SOAP or HTTP.

export type WindowsRefusalReason =
  /** The request cannot be read as an enrollment request (MessageFormat). */
  | 'message-format'
  /** The credential is not recognized: wrong password, unknown or spent token (Authentication). */
  | 'authentication'
  /** The person or token is known but may not enroll: disabled, revoked, expired (Authorization). */
  | 'authorization'
  /** The person holds no Steward license (Authorization with UserLicense detail). */
  | 'license'
  /** The PKCS #10 request is unreadable, not self-signed or its key too weak (CertificateRequest). */
  | 'certificate-request'
  /** The security header holds a kind of credential Steward does not take (InvalidSecurity). */
  | 'invalid-security'
  /** This client or request type cannot enroll here (DeviceNotSupported / NotSupported). */
  | 'not-supported'
  /** Certificate renewal, which this server does not offer yet (NotEligibleToRenew). */
  | 'renewal';

export class WindowsEnrollmentRefusal extends Error {
  override readonly name = 'WindowsEnrollmentRefusal';
  constructor(readonly reason: WindowsRefusalReason, message: string) {
    super(message);
  }
}

export const refuse = (reason: WindowsRefusalReason, message: string) => new WindowsEnrollmentRefusal(reason, message);
