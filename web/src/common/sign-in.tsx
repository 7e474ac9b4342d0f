// The sign-in page of the console and the portal: password, then the authenticator code when
// asked; the authenticator set-up (QR code and the secret as text) the first time; a new password
// when the old one must change. Errors are the server's words.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import QRCode from 'qrcode';
import type { TotpSetupRequired } from '../../../src/shared/session.js';
import { ApiError, api, messageOf } from './api.js';

type Step = 'password' | 'totp' | 'newPassword' | 'setup';

export function SignIn(props: { product: string; notice?: string; onSignedIn: () => Promise<void> }) {
  const [step, setStep] = useState<Step>('password');
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [totpCode, setTotpCode] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [setup, setSetup] = useState<TotpSetupRequired>();
  const [qr, setQr] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const errorId = useId();
  const focusRef = useRef<HTMLInputElement>(null);

  useEffect(() => { focusRef.current?.focus(); }, [step]);
  useEffect(() => {
    if (!setup) { setQr(undefined); return; }
    let live = true;
    QRCode.toDataURL(setup.otpauthUri, { margin: 1, width: 200 }).then((url) => { if (live) setQr(url); }, () => { if (live) setQr(undefined); });
    return () => { live = false; };
  }, [setup]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    if (step === 'newPassword' && newPassword !== confirmPassword) { setError('The two new passwords differ.'); return; }
    setBusy(true);
    try {
      if (step === 'setup' && setup) {
        await api.post('/auth/totp/setup', { setupToken: setup.setupToken, totpCode: totpCode.trim() }, { quiet401: true });
        await props.onSignedIn();
        return;
      }
      const body: Record<string, string> = { userName: userName.trim(), password };
      if (totpCode.trim() !== '') body.totpCode = totpCode.trim();
      if (newPassword !== '') body.newPassword = newPassword;
      const answer = await api.post<{ status: string } | TotpSetupRequired>('/auth/signin', body, { quiet401: true });
      if (answer.status === 'totpSetupRequired') {
        setSetup(answer as TotpSetupRequired);
        setTotpCode('');
        setStep('setup');
        return;
      }
      await props.onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TotpRequired') { setStep('totp'); setTotpCode(''); return; }
      if (err instanceof ApiError && err.code === 'PasswordChangeRequired') { setStep('newPassword'); return; }
      if (err instanceof ApiError && (err.code === 'InvalidCredentials' || err.code === 'InvalidSetupToken')) {
        setStep('password'); setSetup(undefined); setTotpCode(''); setNewPassword(''); setConfirmPassword('');
      }
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const described = error ? { 'aria-describedby': errorId } : {};
  return (
    <main className="center-page" id="main">
      <form className="card sign-in" onSubmit={(e) => { void submit(e); }} aria-labelledby="sign-in-title" noValidate>
        <h1 id="sign-in-title">{props.product}</h1>
        {props.notice && !error && <p role="status">{props.notice}</p>}
        {step === 'password' && (
          <>
            <p>Sign in with your work account.</p>
            <label htmlFor="userName">User name</label>
            <input id="userName" ref={focusRef} name="username" type="email" autoComplete="username" required value={userName} onChange={(e) => setUserName(e.target.value)} {...described} />
            <label htmlFor="password">Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} {...described} />
          </>
        )}
        {step === 'totp' && (
          <>
            <p>Enter the 6-digit code your authenticator app shows for {userName}.</p>
            <label htmlFor="totpCode">Authenticator code</label>
            <input id="totpCode" ref={focusRef} name="totpCode" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]*" maxLength={8} required value={totpCode} onChange={(e) => setTotpCode(e.target.value)} {...described} />
          </>
        )}
        {step === 'newPassword' && (
          <>
            <p>Your password must be changed before you continue.</p>
            <label htmlFor="newPassword">New password</label>
            <input id="newPassword" ref={focusRef} name="newPassword" type="password" autoComplete="new-password" required value={newPassword} onChange={(e) => setNewPassword(e.target.value)} {...described} />
            <label htmlFor="confirmPassword">New password again</label>
            <input id="confirmPassword" name="confirmPassword" type="password" autoComplete="new-password" required value={confirmPassword} onChange={(e) => setConfirmPassword(e.target.value)} {...described} />
          </>
        )}
        {step === 'setup' && setup && (
          <>
            <h2>Set up your authenticator app</h2>
            <ol>
              <li>In an authenticator app, add an account by scanning this QR code, or by typing the key below.</li>
              <li>Enter the 6-digit code the app then shows.</li>
            </ol>
            {qr && <img className="qr" src={qr} width={200} height={200} alt="QR code to add Steward to an authenticator app; the same key is shown as text below." />}
            <p>Key: <code className="secret" data-testid="totp-secret">{setup.secret}</code></p>
            <p className="hint">Set it up before {new Date(setup.expiresDateTime).toLocaleTimeString()}.</p>
            <label htmlFor="totpCode">Code from the app</label>
            <input id="totpCode" ref={focusRef} name="totpCode" inputMode="numeric" autoComplete="one-time-code" maxLength={8} required value={totpCode} onChange={(e) => setTotpCode(e.target.value)} {...described} />
          </>
        )}
        {error && <p id={errorId} role="alert" className="error">{error}</p>}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : step === 'setup' ? 'Confirm and sign in' : step === 'newPassword' ? 'Change password and sign in' : 'Sign in'}</button>
          {step !== 'password' && (
            <button type="button" onClick={() => { setStep('password'); setSetup(undefined); setTotpCode(''); setError(undefined); }}>Start over</button>
          )}
        </div>
      </form>
    </main>
  );
}
