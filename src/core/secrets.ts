// The one rule for "this name holds a secret", shared by the logs (src/log/redact.ts) and the
// audit log (core/audit/record-change.ts): a field so named never leaves the process in clear.
// Over-matching is the safe side: a setting such as passwordMinimumLength is masked too.
const SECRET_NAME = /pass(word|phrase|code)?|secret|token|authorization|cookie|challenge|credential|private.?(key|jwk)|jwk|keys?$|signature|otp|totp|unlock|pin$|apikey|session|bypasscode/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
