// APNs sender for MDM pushes: HTTP/2 to Apple's provider API with the MDM push certificate as
// the TLS client certificate (or, optionally, a provider token), one reused connection, bounded
// concurrency, coalescing, bounded retries with backoff, and a time limit on every request.
// Apple's "Sending MDM commands to a device": the payload is {"mdm":"<PushMagic>"}, sent to the
// device token with the push certificate's UID as the topic. "Sending notification requests to
// APNs": POST /3/device/<token> with apns-topic, apns-push-type, apns-priority, apns-expiration.
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type OutgoingHttpHeaders } from 'node:http2';
import { systemClock, type Clock } from '../core/clock.js';
import type { PushOutcome, PushSender, PushTarget } from '../core/push/ports.js';
import type { Logger } from '../log/logger.js';
import { createLimiter, describeError } from './concurrency.js';

export const APNS_PRODUCTION_URL = 'https://api.push.apple.com';
export const APNS_SANDBOX_URL = 'https://api.sandbox.push.apple.com';

export type ApnsAuth =
  /** The MDM push certificate and its key, PEM: mutual TLS. */
  | { type: 'certificate'; certificatePem: string; privateKeyPem: string }
  /** A provider token (JWT, ES256) signed with an APNs auth key (.p8) of the team. */
  | { type: 'token'; keyId: string; teamId: string; privateKeyPem: string };

export interface ApnsSenderOptions {
  auth: ApnsAuth;
  /** APNS_PRODUCTION_URL (default) or APNS_SANDBOX_URL, or a stand-in. */
  baseUrl?: string;
  /** Trust anchors for the server, PEM; default Node's bundled roots (which Apple's servers chain to). */
  ca?: string | string[];
  /** Requests open at once on the connection. Default 100. */
  maxConcurrentStreams?: number;
  /** A request with no complete answer by then fails with reason `timeout`. Default 10 s. */
  requestTimeoutMs?: number;
  /** Attempts for 429, 5xx and connection failures, the first included. Default 3. */
  maxAttempts?: number;
  /** First retry delay; doubled each time, with jitter, at most 10 s. Default 250 ms. */
  retryDelayMs?: number;
  /** How long APNs may hold the push for an offline device (apns-expiration); 0: not at all. Default 7 days. */
  expirationSeconds?: number;
  clock?: Clock;
  logger?: Logger;
}

export interface ApnsSender extends PushSender {
  /** Closes the connection after the requests in flight; later sends fail with reason `closed`. */
  close(): Promise<void>;
}

type Result = Omit<PushOutcome, 'enrollmentId'>;
type Attempt = { kind: 'done'; result: Result } | { kind: 'retry'; reason: string; retryAfterMs?: number };

const MAX_RETRY_DELAY_MS = 10_000;
const MAX_RESPONSE_BYTES = 8192;
/** Apple: refresh a provider token no more than once every 20 minutes, and within an hour. */
const PROVIDER_TOKEN_LIFETIME_MS = 50 * 60 * 1000;
const PROVIDER_TOKEN_MIN_AGE_MS = 20 * 60 * 1000;
const hexToken = /^(?:[0-9a-fA-F]{2}){1,100}$/;
const headerSafe = /^[\x21-\x7e]+$/;

export function createApnsSender(options: ApnsSenderOptions): ApnsSender {
  const base = new URL(options.baseUrl ?? APNS_PRODUCTION_URL);
  if (base.protocol !== 'https:') throw new TypeError(`APNs base URL must be https: ${base.origin}`);
  const origin = base.origin;
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const retryDelayMs = options.retryDelayMs ?? 250;
  const expirationSeconds = options.expirationSeconds ?? 7 * 24 * 60 * 60;
  const limiter = createLimiter(Math.max(1, options.maxConcurrentStreams ?? 100));
  const providerToken = options.auth.type === 'token' ? createProviderTokens(options.auth, clock) : undefined;
  const tls = {
    ...(options.auth.type === 'certificate' ? { cert: options.auth.certificatePem, key: options.auth.privateKeyPem } : {}),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
  const inFlight = new Map<string, Promise<Result>>();
  let session: ClientHttp2Session | undefined;
  /** Why each connection failed, so that a request that died with it can say why. */
  const sessionErrors = new WeakMap<ClientHttp2Session, string>();
  let closed = false;

  function currentSession(): ClientHttp2Session {
    if (session !== undefined && !session.closed && !session.destroyed) return session;
    const s = connect(origin, tls);
    const forget = () => { if (session === s) session = undefined; };
    // After GOAWAY Node closes the session itself; new requests go to a new connection, and
    // streams the server refused fail and are retried.
    s.on('goaway', forget);
    s.on('close', forget);
    s.on('error', (error: Error) => {
      forget();
      sessionErrors.set(s, describeError(error));
      logger?.warn({ err: error, origin }, 'APNs connection failed');
    });
    // An idle connection must not keep the process alive; requests in flight hold their own timers.
    s.unref();
    session = s;
    return s;
  }

  function attemptOnce(target: PushTarget, token: string): Promise<Attempt> {
    return new Promise<Attempt>((resolve) => {
      const body = JSON.stringify({ mdm: target.pushMagic });
      const jwt = providerToken?.current();
      const headers: OutgoingHttpHeaders = {
        ':method': 'POST',
        ':path': `/3/device/${token}`,
        'apns-topic': target.topic,
        'apns-push-type': 'mdm',
        'apns-priority': '10',
        // 0 tells APNs not to store the push at all; otherwise the UNIX time it may be dropped.
        'apns-expiration': expirationSeconds === 0 ? '0' : String(Math.floor(clock.now().getTime() / 1000) + expirationSeconds),
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...(jwt === undefined ? {} : { authorization: `bearer ${jwt}` }),
      };
      let stream: ClientHttp2Stream;
      let streamSession: ClientHttp2Session;
      try {
        streamSession = currentSession();
        stream = streamSession.request(headers);
      } catch (error) {
        // Out of stream ids, or the session died between the check and the call: a new one next time.
        const old = session;
        session = undefined;
        if (old !== undefined && !old.closed) old.close();
        resolve({ kind: 'retry', reason: describeError(error) });
        return;
      }
      let settled = false;
      const finish = (attempt: Attempt) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(attempt);
      };
      const timer = setTimeout(() => {
        stream.close(constants.NGHTTP2_CANCEL);
        finish({ kind: 'done', result: { status: 'failed', reason: 'timeout' } });
      }, timeoutMs);
      let status = 0;
      let apnsId: string | undefined;
      let retryAfter: string | undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('response', (h) => {
        status = Number(h[':status']);
        apnsId = typeof h['apns-id'] === 'string' ? h['apns-id'] : undefined;
        retryAfter = typeof h['retry-after'] === 'string' ? h['retry-after'] : undefined;
      });
      stream.on('data', (chunk: Buffer) => {
        if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      const lost = (why: string) => {
        // The connection's own error (a refused client certificate, say) comes a moment later.
        setImmediate(() => finish({ kind: 'retry', reason: sessionErrors.get(streamSession) ?? why }));
      };
      stream.on('end', () => {
        if (status === 0) lost('connection closed before an answer');
        else finish(classify(status, Buffer.concat(chunks).toString('utf8'), apnsId, retryAfter, jwt));
      });
      stream.on('error', (error: Error) => lost(describeError(error)));
      stream.on('close', () => lost(`stream closed before an answer (code ${stream.rstCode ?? 'none'})`));
      stream.end(body);
    });
  }

  function classify(status: number, text: string, apnsId: string | undefined, retryAfter: string | undefined, jwt: string | undefined): Attempt {
    const reason = reasonOf(text) ?? `HTTP ${status}`;
    const withId = apnsId === undefined ? {} : { apnsId };
    if (status === 200) return { kind: 'done', result: { status: 'sent', ...withId } };
    if (status === 410 || (status === 400 && reason === 'BadDeviceToken')) {
      return { kind: 'done', result: { status: 'unregistered', reason, ...withId } };
    }
    if (status === 429 || status >= 500) {
      const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
      return { kind: 'retry', reason, ...(Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {}) };
    }
    if (status === 403 && reason === 'ExpiredProviderToken' && jwt !== undefined && providerToken !== undefined) {
      providerToken.expire(jwt);
      return { kind: 'retry', reason };
    }
    return { kind: 'done', result: { status: 'failed', reason, ...withId } };
  }

  async function push(target: PushTarget, token: string): Promise<Result> {
    let reason = 'not attempted';
    for (let attempt = 1; ; attempt++) {
      if (closed) return { status: 'failed', reason: 'closed' };
      const outcome = await limiter.run(() => attemptOnce(target, token));
      if (outcome.kind === 'done') return outcome.result;
      reason = outcome.reason;
      if (attempt >= maxAttempts) return { status: 'failed', reason: `${reason} (after ${attempt} attempts)` };
      const backoff = Math.min(MAX_RETRY_DELAY_MS, retryDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(outcome.retryAfterMs ?? 0, backoff / 2 + Math.random() * (backoff / 2));
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, MAX_RETRY_DELAY_MS)));
    }
  }

  function pushOnce(target: PushTarget): Promise<Result> {
    const invalid = validate(target);
    if (invalid !== undefined) return Promise.resolve({ status: 'failed', reason: invalid });
    const token = target.token.toLowerCase();
    // The same device, topic and magic are pushed once, within a call and across concurrent calls.
    const key = `${target.topic}\n${token}\n${target.pushMagic}`;
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    const promise = push(target, token)
      .catch((error: unknown): Result => ({ status: 'failed', reason: describeError(error) }))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  }

  return {
    async send(targets) {
      const results = await Promise.all(targets.map((target) => pushOnce(target)));
      return results.map((result, i) => {
        const enrollmentId = (targets[i] as PushTarget).enrollmentId;
        if (result.status !== 'sent') logger?.warn({ enrollmentId, status: result.status, reason: result.reason }, 'APNs push not sent');
        return { enrollmentId, ...result };
      });
    },
    async close() {
      closed = true;
      const s = session;
      session = undefined;
      if (s === undefined || s.destroyed) return;
      await new Promise<void>((resolve) => {
        if (s.closed) s.once('close', () => resolve());
        else s.close(() => resolve());
      });
    },
  };
}

function validate(target: PushTarget): string | undefined {
  if (!hexToken.test(target.token)) return 'malformed device token (expected hex)';
  if (!headerSafe.test(target.topic)) return 'malformed topic';
  if (target.pushMagic === '') return 'missing PushMagic';
  return undefined;
}

function reasonOf(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'reason' in parsed && typeof parsed.reason === 'string') return parsed.reason;
  } catch {
    // Not JSON: use the status.
  }
  return undefined;
}

/** Provider tokens (JWT, ES256): `{alg, kid}` and `{iss: teamId, iat}`, reused for 50 minutes. */
function createProviderTokens(auth: { keyId: string; teamId: string; privateKeyPem: string }, clock: Clock) {
  let key: KeyObject;
  try {
    key = createPrivateKey(auth.privateKeyPem);
  } catch {
    throw new TypeError('APNs auth key: not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('APNs auth key: expected a P-256 EC key (.p8)');
  }
  let cached: { jwt: string; issuedAt: number } | undefined;
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    current(): string {
      const now = clock.now().getTime();
      if (cached === undefined || now - cached.issuedAt >= PROVIDER_TOKEN_LIFETIME_MS) {
        const input = `${encode({ alg: 'ES256', kid: auth.keyId })}.${encode({ iss: auth.teamId, iat: Math.floor(now / 1000) })}`;
        const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
        cached = { jwt: `${input}.${signature}`, issuedAt: now };
      }
      return cached.jwt;
    },
    /** APNs said ExpiredProviderToken: make a new one, but not more often than Apple allows. */
    expire(jwt: string): void {
      if (cached?.jwt === jwt && clock.now().getTime() - cached.issuedAt >= PROVIDER_TOKEN_MIN_AGE_MS) cached = undefined;
    },
  };
}
