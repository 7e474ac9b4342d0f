// The Apple MDM push certificate (Graph's applePushNotificationCertificate): the certificate in
// use (topic, Apple ID, expiry and its warnings), the certificate signing request to download,
// the steps at Apple in words, and the upload of the certificate Apple issues (paired on the
// server with the key of the last request; a different topic is refused unless the admin ticks
// the box). Reading needs Organization_Read; the download and the upload need Organization_Update.
import { useId, useState, type FormEvent } from 'react';
import { ApiError, api, messageOf } from '../../common/api.js';
import { PageHeader } from '../../common/layout.js';
import { Notice, Show, useLoad, type Loaded } from '../../common/load.js';
import { useSession } from '../../common/session.js';
import './admin.css';

const BASE = '/v1.0/deviceManagement/applePushNotificationCertificate';
const UPDATE = 'Microsoft.Intune_Organization_Update';
const DAY_MS = 86_400_000;

interface PushCertificate {
  appleIdentifier: string | null;
  topicIdentifier: string;
  expirationDateTime: string;
  lastModifiedDateTime: string;
  certificateSerialNumber: string;
  certificateUploadStatus: string | null;
  certificateUploadFailureReason: string | null;
  warnings?: string[];
}

const formatDate = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });

/** The server's warnings (`expires-soon: …`, `expired: …`) in the page's words. */
function warningWords(w: string, c: PushCertificate): string {
  const [code] = w.split(':', 1);
  const expires = formatDate(c.expirationDateTime);
  const days = Math.ceil((new Date(c.expirationDateTime).getTime() - Date.now()) / DAY_MS);
  if (code === 'expires-soon') return `The certificate expires on ${expires} (in ${days} day${days === 1 ? '' : 's'}). Renew it now, with the same Apple ID, so that devices keep answering.`;
  if (code === 'expired') return `The certificate expired on ${expires}: Steward cannot wake Apple devices until it is renewed with the same Apple ID.`;
  const rest = w.slice(w.indexOf(':') + 1).trim();
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** A PEM certificate from a file: PEM as it is, DER (a .cer) converted. */
async function certificatePem(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  if (text.includes('-----BEGIN')) return text;
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function saveFile(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => { URL.revokeObjectURL(url); }, 10_000);
}

function Current({ loaded }: { loaded: Loaded<PushCertificate | undefined> }) {
  return (
    <section className="panel" aria-labelledby="apns-current-h">
      <h2 id="apns-current-h">Certificate in use</h2>
      <Show loaded={loaded} what="the push certificate">
        {(c) => c === undefined ? (
          <p data-testid="apns-none">No push certificate has been uploaded yet: Apple devices cannot enroll until one is.</p>
        ) : (
          <>
            {(c.warnings ?? []).map((w) => <Notice key={w} kind="error">{warningWords(w, c)}</Notice>)}
            <dl className="facts" data-testid="apns-facts">
              <dt>Topic</dt><dd data-testid="apns-topic">{c.topicIdentifier}</dd>
              <dt>Apple ID</dt><dd>{c.appleIdentifier ?? '—'}</dd>
              <dt>Expires</dt><dd data-testid="apns-expires">{formatDate(c.expirationDateTime)}</dd>
              <dt>Serial number</dt><dd>{c.certificateSerialNumber}</dd>
              <dt>Last changed</dt><dd>{formatDate(c.lastModifiedDateTime)}</dd>
            </dl>
            {c.certificateUploadStatus === 'failed' && c.certificateUploadFailureReason
              ? <p className="muted">The last upload was refused (this certificate stays in use): {c.certificateUploadFailureReason}</p>
              : null}
          </>
        )}
      </Show>
    </section>
  );
}

function Steps({ current, onUploaded }: { current: PushCertificate | undefined; onUploaded: (c: PushCertificate) => void }) {
  const id = useId();
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<string>();
  const [downloaded, setDownloaded] = useState(false);
  const [file, setFile] = useState<File>();
  const [appleId, setAppleId] = useState(current?.appleIdentifier ?? '');
  const [allowTopicChange, setAllowTopicChange] = useState(false);
  const [keyFile, setKeyFile] = useState<File>();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function download() {
    setDownloading(true); setDownloadError(undefined);
    try {
      const { value } = await api.get<{ value: string }>(`${BASE}/downloadApplePushNotificationCertificateSigningRequest`);
      saveFile('steward-push.csr', value, 'application/pkcs10');
      setDownloaded(true);
    } catch (e) {
      setDownloadError(messageOf(e));
    } finally {
      setDownloading(false);
    }
  }

  async function upload(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    if (!file) { setError(new Error('Choose the certificate file Apple issued (.pem or .cer).')); return; }
    setBusy(true);
    try {
      const body: Record<string, unknown> = { certificate: await certificatePem(file) };
      if (appleId.trim() !== '') body.appleIdentifier = appleId.trim();
      if (allowTopicChange) body.allowTopicChange = true;
      if (keyFile) {
        body.privateKey = await keyFile.text();
        if (passphrase !== '') body.privateKeyPassphrase = passphrase;
      }
      // The parent reloads and shows the new certificate; this form starts afresh (its key changes).
      onUploaded(await api.patch<PushCertificate>(BASE, body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const topicRefused = error instanceof ApiError && /allowTopicChange/.test(error.message);
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{current ? 'Renew or replace the certificate' : 'Set up the certificate'}</h2>
      <ol className="steps">
        <li>
          <h3>Download a signing request from Steward</h3>
          <p>Steward makes a new key, keeps it, and gives you a certificate signing request. Each download makes a new key and forgets the previous one, so upload the certificate of the last request you downloaded.</p>
          <button type="button" onClick={() => { void download(); }} disabled={downloading}>{downloading ? 'Making the request…' : 'Download signing request'}</button>
          {downloaded ? <Notice kind="success">Saved as steward-push.csr.</Notice> : null}
          {downloadError ? <Notice kind="error">Could not make the signing request: {downloadError}</Notice> : null}
        </li>
        <li>
          <h3>Have the request signed by an MDM vendor</h3>
          <p>Apple accepts only requests signed with an MDM vendor certificate (Apple issues those to MDM vendors through the Apple Developer Program). Send steward-push.csr to a vendor that signs requests for customers, or sign it with your own vendor certificate. You get back a signed request file to upload to Apple.</p>
        </li>
        <li>
          <h3>Get the certificate from Apple</h3>
          <p>
            Sign in to Apple's Push Certificates Portal, <a href="https://identity.apple.com/pushcert" target="_blank" rel="noreferrer">identity.apple.com/pushcert</a>,
            with an Apple ID that belongs to the organisation rather than to a person (you need it every year).
            {current
              ? ' To renew, choose Renew next to the current certificate (signed in with the same Apple ID), not Create: a renewed certificate keeps the topic and enrolled devices keep answering.'
              : ' Choose Create a Certificate.'}
            {' '}Upload the signed request and download the certificate Apple issues (a .pem file).
          </p>
        </li>
        <li>
          <h3>Upload the certificate here</h3>
          <form className="editor" onSubmit={(e) => { void upload(e); }} aria-label="Upload the push certificate">
            <div className="field">
              <label htmlFor={`${id}-file`}>Certificate from Apple (.pem or .cer)</label>
              <input id={`${id}-file`} type="file" accept=".pem,.cer,.crt" onChange={(e) => { setFile(e.target.files?.[0]); }} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-apple`}>Apple ID used at Apple's portal</label>
              <input id={`${id}-apple`} type="email" autoComplete="off" value={appleId} onChange={(e) => { setAppleId(e.target.value); }} aria-describedby={`${id}-apple-hint`} />
              <small id={`${id}-apple-hint`}>Noted with the certificate: renewing needs the same Apple ID.</small>
            </div>
            {current ? (
              <div className="field">
                <div className="field-check">
                  <input id={`${id}-topic`} type="checkbox" checked={allowTopicChange} onChange={(e) => { setAllowTopicChange(e.target.checked); }} aria-describedby={`${id}-topic-hint`} />
                  <label htmlFor={`${id}-topic`}>Replace the certificate even if its topic differs</label>
                </div>
                <small id={`${id}-topic-hint`}>A certificate made with Create (or another Apple ID) has a new topic. Every enrolled Apple device is bound to the current topic ({current.topicIdentifier}) and would have to enroll again, so Steward refuses such a certificate unless you tick this.</small>
              </div>
            ) : null}
            <details>
              <summary>I made the signing request elsewhere</summary>
              <p className="muted">Give the private key the request was made with; without it, Steward uses the key of the last request downloaded here. The key is stored like Steward's other keys and never shown again.</p>
              <div className="field">
                <label htmlFor={`${id}-key`}>Private key (.pem)</label>
                <input id={`${id}-key`} type="file" accept=".pem,.key" onChange={(e) => { setKeyFile(e.target.files?.[0]); }} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-pass`}>Passphrase of the key (if it is encrypted)</label>
                <input id={`${id}-pass`} type="password" autoComplete="off" value={passphrase} onChange={(e) => { setPassphrase(e.target.value); }} />
              </div>
            </details>
            {error !== undefined ? (
              <Notice kind="error">
                The certificate was not accepted: {messageOf(error)}
                {topicRefused ? ' If you mean to replace it, tick "Replace the certificate even if its topic differs" and upload again.' : ''}
              </Notice>
            ) : null}
            <div className="buttons">
              <button type="submit" className="primary" disabled={busy}>{busy ? 'Uploading…' : 'Upload certificate'}</button>
            </div>
          </form>
        </li>
      </ol>
    </section>
  );
}

export default function ApplePushCertificate() {
  const session = useSession();
  const [tick, setTick] = useState(0);
  const [uploaded, setUploaded] = useState<PushCertificate>();
  const loaded = useLoad(async () => {
    try {
      return await api.get<PushCertificate>(BASE);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }, [tick]);
  return (
    <>
      <PageHeader title="Apple push certificate" />
      <p>
        Steward wakes iPhones, iPads and Macs through Apple's push service (APNs) with this certificate, so that they fetch
        lock, wipe and profile commands at once. Apple enrollment needs it. Apple issues it for free; it is valid for a year.
      </p>
      {uploaded ? <Notice kind="success">Certificate uploaded: topic {uploaded.topicIdentifier}, valid until {formatDate(uploaded.expirationDateTime)}.</Notice> : null}
      <Current loaded={loaded} />
      {session.can(UPDATE)
        ? (loaded.status === 'ok' ? <Steps key={loaded.data?.certificateSerialNumber ?? 'none'} current={loaded.data} onUploaded={(c) => { setUploaded(c); setTick((n) => n + 1); }} /> : null)
        : <p className="muted">Your role allows reading the certificate, not downloading a signing request or uploading a certificate.</p>}
    </>
  );
}
