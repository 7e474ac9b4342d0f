// Tables of migrations/0011-push-certificate.ts; schema.ts adds them to Schema.

/** The MDM push certificate in use: one row, id 'mdm'. */
export interface PushCertificatesTable {
  id: string;
  certificate_pem: string;
  /** Unencrypted PKCS #8 PEM. Secret: never selected for a response or a log. */
  private_key_pem: string;
  serial_number: string;
  topic: string;
  apple_identifier: string | null;
  not_before: string;
  not_after: string;
  uploaded_at: string;
  modified_at: string;
  /** 'succeeded' or 'failed' (the last replacement was refused; this certificate stays). */
  upload_status: string;
  upload_failure_reason: string | null;
}

/** The key of the last certificate signing request handed out: one row, id 'mdm'. */
export interface PushCertificateRequestsTable {
  id: string;
  request_id: string;
  /** Unencrypted PKCS #8 PEM. Secret. */
  private_key_pem: string;
  created_at: string;
}
