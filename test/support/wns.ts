// A stand-in for WNS in tests: login.live.com's token endpoint and a channel host in one HTTPS
// server on localhost (src/push/wns.test.ts, src/core/push/wake-windows.test.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WnsRequest { path: string; headers: IncomingHttpHeaders; body: string }
type Answer = (res: ServerResponse, attempt: number) => void;

/**
 * login.live.com and the WNS channel host in one HTTPS server: /accesstoken.srf hands out
 * numbered tokens; /ch/<name> records the notification and answers as told for that channel.
 */
export class FakeWns {
  readonly tokenRequests: WnsRequest[] = [];
  readonly notifications: WnsRequest[] = [];
  readonly answers = new Map<string, Answer>();
  tokenAnswer: Answer | undefined;
  /** Tokens WNS takes; an older one is answered 401. */
  validTokens = new Set<string>();
  private issued = 0;
  private readonly attempts = new Map<string, number>();
  private server: Server | undefined;
  url = '';

  async start(tls: { key: string; cert: string }): Promise<string> {
    const server = createServer(tls, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const record = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        if (record.path === '/accesstoken.srf') {
          this.tokenRequests.push(record);
          if (this.tokenAnswer) { this.tokenAnswer(res, this.tokenRequests.length); return; }
          const token = `token-${++this.issued}`;
          this.validTokens.add(token);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'bearer', expires_in: 86400 }));
          return;
        }
        this.notifications.push(record);
        const attempt = (this.attempts.get(record.path) ?? 0) + 1;
        this.attempts.set(record.path, attempt);
        const bearer = String(record.headers.authorization ?? '').replace(/^Bearer /, '');
        if (!this.validTokens.has(bearer)) { res.writeHead(401, { 'x-wns-error-description': 'Token expired' }).end(); return; }
        const answer = this.answers.get(record.path);
        if (answer) answer(res, attempt);
        else res.writeHead(200, { 'x-wns-notificationstatus': 'received', 'x-wns-msg-id': String(attempt) }).end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `https://localhost:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  channel(name: string): string {
    return `${this.url}/ch/${name}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A CA-less self-signed certificate for localhost, made with openssl in a temporary directory. */
export function localhostCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'steward-wns-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.crt', '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { cwd: dir, stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.crt'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
