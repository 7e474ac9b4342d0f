// "Enroll this device": the steps for the kind of device the page is open on (another can be
// picked), with what the server offers this person: Apple's personal enrollment profile, the
// Windows ms-device-enrollment: link and the Settings path, or why not, in words.
import { useState } from 'react';
import { Link } from 'react-router';
import type { PortalEnrollmentOptions } from '../../../src/shared/portal.js';
import { PORTAL_API_PATH } from '../../../src/shared/portal.js';
import { api } from '../common/api.js';
import { PageHeader } from '../common/layout.js';
import { Notice, Show, useLoad } from '../common/load.js';
import { PRODUCT } from './product.js';
import { detectPlatform, PLATFORM_ARTICLES, PLATFORM_NAMES, type DevicePlatform } from './platform.js';

const CHOICES: DevicePlatform[] = ['iOS', 'macOS', 'windows', 'android'];

export function Enroll() {
  const detected = detectPlatform(navigator.userAgent, navigator.maxTouchPoints);
  const [platform, setPlatform] = useState<DevicePlatform>(detected === 'other' ? 'iOS' : detected);
  const options = useLoad((signal) => api.get<PortalEnrollmentOptions>(`${PORTAL_API_PATH}/me/enrollmentOptions`, { signal }), []);

  return (
    <>
      <PageHeader title="Enroll this device" product={PRODUCT} />
      <p>
        {detected === 'other'
          ? 'Choose the kind of device you want to enroll.'
          : <>This looks like a <strong>{PLATFORM_NAMES[detected]}</strong>. If it is not, choose the right kind below.</>}
      </p>
      <div className="panel">
        <label htmlFor="platform">Kind of device</label>
        <select id="platform" value={platform} onChange={(e) => setPlatform(e.target.value as DevicePlatform)}>
          {CHOICES.map((p) => <option key={p} value={p}>{PLATFORM_NAMES[p]}</option>)}
        </select>
      </div>
      <Show loaded={options} what="the enrollment options">
        {(o) => (
          <section className="panel" aria-labelledby="steps-heading">
            <h2 id="steps-heading">Enroll {PLATFORM_ARTICLES[platform]} {PLATFORM_NAMES[platform]}</h2>
            {platform === 'iOS' && <AppleSteps options={o} platform="iOS" />}
            {platform === 'macOS' && <AppleSteps options={o} platform="macOS" />}
            {platform === 'windows' && <WindowsSteps options={o} />}
            {platform === 'android' && <p>Android devices cannot be enrolled with this server yet. Ask your IT department what to do instead.</p>}
          </section>
        )}
      </Show>
    </>
  );
}

function AppleSteps(props: { options: PortalEnrollmentOptions; platform: 'iOS' | 'macOS' }) {
  const apple = props.options.apple;
  if (!apple.available || !apple.profileUrl) return <Notice kind="error">{apple.reason ?? 'Apple devices cannot be enrolled right now.'}</Notice>;
  const href = `${apple.profileUrl}?platform=${props.platform}`;
  const ios = props.platform === 'iOS';
  return (
    <>
      <p>Do this on the {ios ? 'iPhone or iPad' : 'Mac'} itself{ios ? ', in Safari' : ''}.</p>
      <ol className="steps">
        <li>
          <p>Download the enrollment profile made for you ({props.options.userPrincipalName}):</p>
          <a className="button primary" href={href} data-testid="apple-profile-link">Download the enrollment profile</a>
          <p className="hint">Each download works for one device.{ios ? ' If Safari asks whether to allow the download, choose Allow.' : ''}</p>
        </li>
        {ios
          ? <>
              <li>Open <strong>Settings</strong> and tap <strong>Profile Downloaded</strong> near the top (or go to Settings &gt; General &gt; VPN &amp; Device Management).</li>
              <li>Tap the profile, then <strong>Install</strong>, and enter your device passcode.</li>
            </>
          : <>
              <li>Open <strong>System Settings &gt; General &gt; Device Management</strong> (on older macOS: System Preferences &gt; Profiles).</li>
              <li>Double-click the downloaded profile, then click <strong>Install</strong> and enter your Mac password.</li>
            </>}
        <li>Come back to <Link to="/">My devices</Link>: the device shows up within a minute.</li>
      </ol>
    </>
  );
}

function WindowsSteps(props: { options: PortalEnrollmentOptions }) {
  const w = props.options.windows;
  if (!w.available || !w.enrollmentUrl) return <Notice kind="error">{w.reason ?? 'Windows PCs cannot be enrolled right now.'}</Notice>;
  return (
    <>
      <p>Do this on the PC itself.</p>
      <ol className="steps">
        <li>
          <p>Open the enrollment in Windows Settings:</p>
          <a className="button primary" href={w.enrollmentUrl} data-testid="windows-enroll-link">Enroll this PC</a>
        </li>
        <li>
          {w.signIn === 'webPage'
            ? 'Windows opens a sign-in page: sign in with your work account and, if asked, the code from your authenticator app.'
            : 'Windows asks for your password: enter the password of your work account.'}
        </li>
        <li>When Windows says the PC is connected, come back to <Link to="/">My devices</Link>.</li>
      </ol>
      <h3>If the button does nothing</h3>
      <p>Open <strong>{w.settingsPath}</strong>, and enter:</p>
      <dl className="facts">
        <dt>E-mail address</dt>
        <dd><code>{props.options.userPrincipalName}</code></dd>
        <dt>Server (if Windows asks for it)</dt>
        <dd><code>{w.serverAddress}</code></dd>
      </dl>
    </>
  );
}
