// The one rule for "this name holds a secret", shared by the logs (src/log/redact.ts) and the
// audit log (core/audit/record-change.ts): a field so named never leaves the process in clear.
const SECRET_NAME = /pass(word|phrase)?|secret|token|authorization|cookie|challenge|credential|private.?key|^key$|signature|otp|totp|unlock|pin$|apikey|session/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
