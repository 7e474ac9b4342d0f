// How a simulated device reaches a server: real HTTPS (node:https with one keep-alive agent, so a
// benchmark reuses sockets instead of measuring TLS handshakes), or a Fastify instance's
// in-process `inject` for tests.
import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';

export type HttpMethod = 'GET' | 'PUT' | 'POST';

export interface TransportResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface Transport {
  request(method: HttpMethod, url: string, headers: Record<string, string>, body?: Uint8Array): Promise<TransportResponse>;
  /** Releases sockets (the HTTPS agent's keep-alive pool); a no-op in process. */
  close?(): void;
}

export interface HttpsTransportOptions {
  /** PEM of the CA certificate(s) to trust for the server's TLS certificate, as a user installs them. */
  ca: string | string[];
  /** Sockets kept per host (default: unlimited, as Node's Agent). */
  maxSockets?: number;
  /**
   * Idle sockets kept open for reuse (default 256, as Node's Agent). A fleet whose devices each
   * keep their own connection, as they do between pushes, wants one per device.
   */
  maxFreeSockets?: number;
  /** Milliseconds before a request is abandoned (default 30 s). */
  timeoutMs?: number;
  /** A client certificate for mutual TLS (Apple devices present their identity when the server asks). */
  clientCertificate?: { certPem: string; keyPem: string };
}

/** Real HTTPS with one keep-alive agent. Plain http:// URLs are allowed too, for local demos. */
export function httpsTransport(options: HttpsTransportOptions): Transport {
  const agent = new Agent({
    keepAlive: true,
    ca: options.ca,
    ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }),
    ...(options.maxFreeSockets === undefined ? {} : { maxFreeSockets: options.maxFreeSockets }),
    ...(options.clientCertificate === undefined ? {} : { cert: options.clientCertificate.certPem, key: options.clientCertificate.keyPem }),
  });
  const plainAgent = new HttpAgent({ keepAlive: true, ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }) });
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    request(method, url, headers, body) {
      const target = new URL(url);
      const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
      if (send === undefined) return Promise.reject(new Error(`unsupported URL scheme in ${url}`));
      return new Promise<TransportResponse>((resolve, reject) => {
        const req = send(target, {
          method,
          agent: target.protocol === 'https:' ? agent : plainAgent,
          headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(body.length) }) },
          timeout: timeoutMs,
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), body: new Uint8Array(Buffer.concat(chunks)) }));
        });
        req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
      });
    },
    close() {
      agent.destroy();
      plainAgent.destroy();
    },
  };
}

/** The part of light-my-request's options the simulator uses. */
export interface InjectRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  payload?: Buffer;
}

/** The part of light-my-request's response the simulator reads. */
export interface InjectResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  rawPayload: Buffer;
}

/** Anything with Fastify's `inject(options) → Promise<response>`, such as a FastifyInstance. */
export interface Injectable {
  inject(request: InjectRequest): Promise<InjectResponse>;
}

/**
 * Requests go to `app.inject` in process; only the path and query of each URL are used, so the
 * enrollment profile's absolute https:// URLs work unchanged.
 */
export function injectTransport(app: Injectable): Transport {
  return {
    async request(method, url, headers, body) {
      const target = new URL(url, 'https://localhost');
      const res = await app.inject({
        method,
        url: target.pathname + target.search,
        headers: { host: target.host, ...headers },
        ...(body === undefined ? {} : { payload: Buffer.from(body.buffer, body.byteOffset, body.byteLength) }),
      });
      return { status: res.statusCode, headers: flatten(res.headers), body: new Uint8Array(res.rawPayload) };
    },
  };
}

function flatten(headers: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}
