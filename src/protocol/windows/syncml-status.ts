// SyncML status codes as Windows' DM client returns them: the table of "OMA DM protocol support"
// ("SyncML response status codes"), which cites [OMA-SyncMLRP1.2.2] §10 for the rest.

const descriptions: Readonly<Record<string, string>> = {
  '200': 'The SyncML command completed successfully.',
  '202': 'Accepted for processing (an asynchronous operation).',
  '212': 'Authentication accepted.',
  '214': 'Operation canceled: the command completed, but no more commands will be processed within the session.',
  '215': 'Not executed: the user canceled the command.',
  '216': 'Atomic roll back OK: the command was inside an Atomic that failed, and was rolled back.',
  '400': 'Bad request: the command could not be performed because of malformed syntax.',
  '401': 'Invalid credentials.',
  '403': 'Forbidden: the recipient understood the command but refused it.',
  '404': 'Not found: the target node does not exist.',
  '405': 'Command not allowed on the target (a read-only node, or a lock without a PIN set).',
  '406': 'Optional feature not supported.',
  '415': 'Unsupported type or format.',
  '418': 'Already exists: the node to add exists.',
  '425': 'Permission denied: the sender lacks access rights on the node.',
  '500': 'Command failed: the device met an unexpected condition.',
  '507': 'Atomic failed: one of the operations in the Atomic block failed.',
  '516': 'Atomic roll back failed: an Atomic operation failed and was not rolled back.',
};

/** The description of a status code, or a generic one by its class. */
export function describeSyncmlStatus(code: string): string {
  const known = descriptions[code];
  if (known !== undefined) return known;
  if (/^1\d\d$/.test(code)) return 'Informational: in progress.';
  if (/^2\d\d$/.test(code)) return 'Success.';
  if (/^3\d\d$/.test(code)) return 'Redirection: further action needed.';
  if (/^4\d\d$/.test(code)) return 'Originator exception: the command was refused.';
  if (/^5\d\d$/.test(code)) return 'Recipient exception: the command failed on the device.';
  return `Unknown status ${code}.`;
}

/**
 * Whether a status means the command was carried out or accepted: 1xx and 2xx, except 215 (the
 * user canceled it) and 216 (rolled back with its Atomic). 202 "accepted for processing" counts:
 * the device took the command and finishes it on its own.
 */
export function isSyncmlSuccess(code: string): boolean {
  return /^[12]\d\d$/.test(code) && code !== '215' && code !== '216';
}
