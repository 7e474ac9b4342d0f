// A stand-in for Apple's push service (the APNs provider API: HTTP/2 over TLS, POST
// /3/device/<hex token>) for bench/apple.ts. It answers as APNs does (200 with an apns-id, or 400
// BadDeviceToken) and hands each pushed token to the bench, which makes that simulated device
// connect: what a real device does when an MDM push reaches it.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { join } from 'node:path';

export interface FakeApns {
  /** https://127.0.0.1:<port>: Steward's --apns-url. */
  url: string;
  /** The server's self-signed certificate, PEM file: Steward's NODE_EXTRA_CA_CERTS. */
  certificateFile: string;
  /** Pushes answered so far (accepted or refused). */
  readonly pushes: number;
  close(): Promise<void>;
}

/**
 * Starts the fake APNs with a fresh self-signed certificate (made with openssl in `dir`).
 * `onPush(tokenHex)` answers whether the token is known; an unknown one gets 400 BadDeviceToken.
 */
export async function startFakeApns(dir: string, onPush: (tokenHex: string) => boolean): Promise<FakeApns> {
  const keyFile = join(dir, 'apns.key');
  const certificateFile = join(dir, 'apns.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certificateFile,
    '-days', '2', '-subj', '/CN=fake APNs', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'pipe' });
  let pushes = 0;
  const server: Http2SecureServer = createSecureServer({ key: readFileSync(keyFile), cert: readFileSync(certificateFile) });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    const token = /^\/3\/device\/([0-9a-fA-F]+)$/.exec(headers[':path'] ?? '')?.[1];
    stream.resume(); // the body is {"mdm": PushMagic}: nothing the device needs from it here
    stream.on('end', () => {
      pushes++;
      const apnsId = randomUUID().toUpperCase();
      if (headers[':method'] !== 'POST' || token === undefined || !onPush(token.toLowerCase())) {
        stream.respond({ ':status': 400, 'apns-id': apnsId, 'content-type': 'application/json' });
        stream.end(JSON.stringify({ reason: 'BadDeviceToken' }));
        return;
      }
      stream.respond({ ':status': 200, 'apns-id': apnsId });
      stream.end();
    });
    stream.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake APNs: no port');
  return {
    url: `https://127.0.0.1:${address.port}`,
    certificateFile,
    get pushes() { return pushes; },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // HTTP/2 sessions stay open until the client goes; Steward's is gone by the time this runs.
      setTimeout(resolve, 1000).unref();
    }),
  };
}
