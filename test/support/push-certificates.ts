// MDM push certificates for tests, made with the openssl binary as Apple's portal would issue
// them: the topic (com.apple.mgmt.External.<uuid>) is the subject's UID.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPushCertificate {
  topic: string;
  certificate: string;
  privateKey: string;
  /** Lowercase hex as openssl prints it (compare without leading zeros). */
  serialNumber: string;
}

export const newTopic = () => `com.apple.mgmt.External.${randomUUID()}`;

export class PushCertificateFactory {
  readonly dir = mkdtempSync(join(tmpdir(), 'steward-push-'));
  private n = 0;

  openssl(...args: string[]): string {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['pipe', 'pipe', 'pipe'] }).toString('utf8');
  }

  /** A self-signed push certificate; `days: -1` makes one that expired yesterday. */
  issue(options: { topic?: string; days?: number; subject?: string } = {}): TestPushCertificate {
    const name = `c${++this.n}`;
    const topic = options.topic ?? newTopic();
    const subject = options.subject ?? `/UID=${topic}/CN=APSP:${topic.split('.').pop() ?? ''}/C=US`;
    this.openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    this.openssl('x509', '-req', '-in', `${name}.csr`, '-key', `${name}.key`, '-days', String(options.days ?? 365), '-out', `${name}.crt`);
    return this.read(name, topic);
  }

  /** A push certificate issued by the factory's stand-in for Apple's CA (appleCa()), as the portal issues them. */
  issueFromApple(options: { topic?: string } = {}): TestPushCertificate {
    const name = `a${++this.n}`;
    this.openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=request');
    const signed = this.signRequest(readFileSync(join(this.dir, `${name}.csr`), 'utf8'), options.topic);
    return { ...signed, privateKey: readFileSync(join(this.dir, `${name}.key`), 'utf8') };
  }

  /** The stand-in for Apple's CA that signRequest and issueFromApple issue from, PEM: what a fake APNs trusts. */
  appleCa(): string {
    if (!this.hasFile('apple.key')) {
      this.openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'apple.key', '-out', 'apple.crt', '-days', '2', '-subj', '/CN=Test Apple Application Integration CA',
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    }
    return readFileSync(join(this.dir, 'apple.crt'), 'utf8');
  }

  /** Plays Apple's portal: a certificate for the public key of `csrPem`, on `topic`. */
  signRequest(csrPem: string, topic: string = newTopic()): Omit<TestPushCertificate, 'privateKey'> {
    const name = `r${++this.n}`;
    writeFileSync(join(this.dir, `${name}.csr`), csrPem);
    this.appleCa();
    this.openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'apple.crt', '-CAkey', 'apple.key', '-set_serial', `0x${Date.now().toString(16)}${this.n}`,
      '-days', '365', '-subj', `/UID=${topic}/CN=APSP:${topic.split('.').pop() ?? ''}/C=US`, '-out', `${name}.crt`);
    const certificate = readFileSync(join(this.dir, `${name}.crt`), 'utf8');
    return { topic, certificate, serialNumber: this.serialOf(`${name}.crt`) };
  }

  /** `openssl req -verify -noout`: true when the request is well formed and signed by its own key. */
  verifyRequest(csrPem: string): { ok: boolean; subject: string; text: string } {
    const name = `v${++this.n}.csr`;
    writeFileSync(join(this.dir, name), csrPem);
    try {
      execFileSync('openssl', ['req', '-in', name, '-verify', '-noout'], { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      return { ok: false, subject: '', text: '' };
    }
    return { ok: true, subject: this.openssl('req', '-in', name, '-noout', '-subject').trim(), text: this.openssl('req', '-in', name, '-noout', '-text') };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private read(name: string, topic: string): TestPushCertificate {
    return {
      topic,
      certificate: readFileSync(join(this.dir, `${name}.crt`), 'utf8'),
      privateKey: readFileSync(join(this.dir, `${name}.key`), 'utf8'),
      serialNumber: this.serialOf(`${name}.crt`),
    };
  }

  private serialOf(file: string): string {
    // "serial=0A1B…"
    return this.openssl('x509', '-in', file, '-noout', '-serial').trim().replace(/^serial=/, '').toLowerCase();
  }

  private hasFile(name: string): boolean {
    try { readFileSync(join(this.dir, name)); return true; } catch { return false; }
  }
}
