// WNS sender for waking Windows PCs: raw notifications posted to the channel URIs the PCs
// reported, authenticated with an OAuth 2 access token that Steward gets with the package SID and
// client secret of its WNS app ("Push notification support for device management"; WNS "Sending
// a notification": client-credentials grant at login.live.com/accesstoken.srf, scope
// notify.windows.com; POST to the channel URI with Authorization: Bearer, X-WNS-Type: wns/raw,
// Content-Type: application/octet-stream). Kept-alive HTTPS connections, bounded concurrency,
// coalescing, one token shared by every request and refreshed when WNS refuses it, bounded
// retries with backoff that honour Retry-After, and a time limit on every request. Never throws
// because of a PC or WNS: failures are outcomes.
import { Agent, request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { systemClock, type Clock } from '../core/clock.js';
import type { PushOutcome } from '../core/push/ports.js';
import type { WnsPushSender, WnsTarget } from '../core/push/wake-windows.js';
import type { Logger } from '../log/logger.js';
import { createLimiter, describeError } from './concurrency.js';

export const WNS_TOKEN_URL = 'https://login.live.com/accesstoken.srf';
/** Channel URIs WNS hands out are on hosts under this domain. */
export const WNS_CHANNEL_DOMAIN = 'notify.windows.com';

export interface WnsSenderOptions {
  /** The app's package SID (ms-app://s-1-15-2-…), the OAuth client id. */
  packageSid: string;
  /** The app's client secret. A secret: never logged. */
  clientSecret: string;
  /** WNS_TOKEN_URL (default) or a stand-in. */
  tokenUrl?: string;
  /** Hosts a channel URI may point at: a host matches an entry equal to it or a parent domain. Default [WNS_CHANNEL_DOMAIN]. */
  channelHosts?: readonly string[];
  /** Trust anchors, PEM; default Node's bundled roots. */
  ca?: string | string[];
  /** Requests open at once. Default 50. */
  maxConcurrent?: number;
  /** A request with no complete answer by then fails with reason `timeout`. Default 10 s. */
  requestTimeoutMs?: number;
  /** Attempts for 406, 429, 5xx and connection failures, the first included. Default 3. */
  maxAttempts?: number;
  /** First retry delay; doubled each time, with jitter. Default 250 ms. */
  retryDelayMs?: number;
  /** The longest wait for a retry, Retry-After included; a longer Retry-After fails the push. Default 10 s. */
  maxRetryDelayMs?: number;
  /** X-WNS-TTL: how long WNS keeps the notification for an offline PC. Default 1 day. */
  ttlSeconds?: number;
  clock?: Clock;
  logger?: Logger;
}

type Result = Omit<PushOutcome, 'enrollmentId'>;
type Attempt = { kind: 'done'; result: Result } | { kind: 'retry'; reason: string; retryAfterMs?: number } | { kind: 'token-refused'; token: string; reason: string };
interface Answer { status: number; headers: IncomingMessage['headers']; body: string }

const MAX_RESPONSE_BYTES = 8192;
/** The raw payload: the DM client ignores it ("raw push notifications don't support payloads"), WNS wants one. */
const PAYLOAD = Buffer.from('steward');
/** An access token is renewed this long before WNS says it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;

export function createWnsSender(options: WnsSenderOptions): WnsPushSender {
  const tokenUrl = new URL(options.tokenUrl ?? WNS_TOKEN_URL);
  if (tokenUrl.protocol !== 'https:') throw new TypeError(`WNS token URL must be https: ${tokenUrl.origin}`);
  if (options.packageSid === '' || options.clientSecret === '') throw new TypeError('WNS package SID and client secret are required');
  const hosts = (options.channelHosts ?? [WNS_CHANNEL_DOMAIN]).map((h) => h.toLowerCase().replace(/^\.+/, ''));
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const retryDelayMs = options.retryDelayMs ?? 250;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
  const ttlSeconds = options.ttlSeconds ?? 24 * 60 * 60;
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(1, options.maxConcurrent ?? 50), ...(options.ca === undefined ? {} : { ca: options.ca }) });
  const limiter = createLimiter(Math.max(1, options.maxConcurrent ?? 50));
  const inFlight = new Map<string, Promise<Result>>();
  let token: { value: string; expiresAt: number } | undefined;
  let fetching: Promise<string | Attempt> | undefined;
  let closed = false;

  /** Posts once; resolves with the answer or rejects with the transport error (`timeout` included). */
  function post(url: URL, headers: Record<string, string>, body: Buffer): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const opts: RequestOptions = { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } };
      const req = request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }); });
        res.on('error', (err) => { clearTimeout(timer); reject(err); });
      });
      const timer = setTimeout(() => req.destroy(new TimeoutError()), timeoutMs);
      req.on('error', (err) => { clearTimeout(timer); reject(err); });
      req.end(body);
    });
  }

  /** The cached access token, or a new one (one request however many pushes wait for it). */
  function accessToken(): Promise<string | Attempt> {
    if (token !== undefined && clock.now().getTime() < token.expiresAt) return Promise.resolve(token.value);
    fetching ??= fetchToken().finally(() => { fetching = undefined; });
    return fetching;
  }

  async function fetchToken(): Promise<string | Attempt> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: options.packageSid, client_secret: options.clientSecret, scope: 'notify.windows.com' });
    let answer: Answer;
    try {
      answer = await post(tokenUrl, { 'content-type': 'application/x-www-form-urlencoded' }, Buffer.from(form.toString()));
    } catch (error) {
      return error instanceof TimeoutError ? { kind: 'done', result: { status: 'failed', reason: 'access token: timeout' } } : { kind: 'retry', reason: `access token: ${describeError(error)}` };
    }
    const parsed = parseJson(answer.body);
    if (answer.status === 200 && typeof parsed.access_token === 'string' && parsed.access_token !== '') {
      const seconds = typeof parsed.expires_in === 'number' ? parsed.expires_in : Number(parsed.expires_in ?? 86_400);
      const lifetime = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 86_400_000;
      token = { value: parsed.access_token, expiresAt: clock.now().getTime() + Math.max(lifetime - TOKEN_MARGIN_MS, lifetime / 2) };
      return token.value;
    }
    // The error code only: the description may echo the request.
    const reason = `access token: ${typeof parsed.error === 'string' ? parsed.error : `HTTP ${answer.status}`}`;
    if (answer.status >= 500 || answer.status === 429) return { kind: 'retry', reason, ...retryAfterOf(answer.headers['retry-after']) };
    logger?.error({ status: answer.status, reason }, 'WNS refused Steward\'s package SID and client secret: Windows PCs are not woken');
    return { kind: 'done', result: { status: 'failed', reason } };
  }

  async function attemptOnce(target: WnsTarget): Promise<Attempt> {
    const bearer = await accessToken();
    if (typeof bearer !== 'string') return bearer;
    let answer: Answer;
    try {
      answer = await post(new URL(target.channelUri), {
        authorization: `Bearer ${bearer}`,
        'x-wns-type': 'wns/raw',
        'content-type': 'application/octet-stream',
        // Kept for a PC that is offline, for a day: it checks in when it reconnects.
        'x-wns-cache-policy': 'cache',
        'x-wns-ttl': String(ttlSeconds),
      }, PAYLOAD);
    } catch (error) {
      if (error instanceof TimeoutError) return { kind: 'done', result: { status: 'failed', reason: 'timeout' } };
      return { kind: 'retry', reason: describeError(error) };
    }
    const described = header(answer.headers['x-wns-error-description']) ?? header(answer.headers['x-wns-notificationstatus']);
    const reason = described === undefined ? `HTTP ${answer.status}` : `HTTP ${answer.status}: ${described.slice(0, 200)}`;
    switch (answer.status) {
      case 200: return { kind: 'done', result: { status: 'sent' } };
      case 401: case 403: return { kind: 'token-refused', token: bearer, reason };
      case 404: case 410: return { kind: 'done', result: { status: 'unregistered', reason } };
      case 406: case 429: case 500: case 502: case 503: case 504:
        return { kind: 'retry', reason, ...retryAfterOf(answer.headers['retry-after']) };
      default: return { kind: 'done', result: { status: 'failed', reason } };
    }
  }

  async function push(target: WnsTarget): Promise<Result> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      if (closed) return { status: 'failed', reason: 'closed' };
      const outcome = await limiter.run(() => attemptOnce(target));
      if (outcome.kind === 'done') return outcome.result;
      if (outcome.kind === 'token-refused') {
        // Expired or revoked: one new token and one more try; refused again, the credentials are wrong.
        if (refreshed) return { status: 'failed', reason: outcome.reason };
        refreshed = true;
        if (token?.value === outcome.token) token = undefined;
        attempt--;
        continue;
      }
      if (attempt >= maxAttempts) return { status: 'failed', reason: `${outcome.reason} (after ${attempt} attempts)` };
      if ((outcome.retryAfterMs ?? 0) > maxRetryDelayMs) return { status: 'failed', reason: `${outcome.reason} (retry after ${Math.ceil((outcome.retryAfterMs ?? 0) / 1000)} s)` };
      const backoff = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(outcome.retryAfterMs ?? 0, backoff / 2 + Math.random() * (backoff / 2));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  function pushOnce(target: WnsTarget): Promise<Result> {
    const invalid = checkChannel(target.channelUri, hosts);
    if (invalid !== undefined) return Promise.resolve({ status: 'failed', reason: invalid });
    // The same channel is notified once, within a call and across concurrent calls.
    const running = inFlight.get(target.channelUri);
    if (running !== undefined) return running;
    const promise = push(target)
      .catch((error: unknown): Result => ({ status: 'failed', reason: describeError(error) }))
      .finally(() => inFlight.delete(target.channelUri));
    inFlight.set(target.channelUri, promise);
    return promise;
  }

  return {
    async send(targets) {
      const results = await Promise.all(targets.map((target) => pushOnce(target)));
      return results.map((result, i) => ({ enrollmentId: (targets[i] as WnsTarget).enrollmentId, ...result }));
    },
    close() {
      closed = true;
      agent.destroy();
      return Promise.resolve();
    },
  };
}

class TimeoutError extends Error {
  constructor() { super('timeout'); }
}

/** Why a channel URI is not posted to, or undefined when it may be. */
function checkChannel(channelUri: string, hosts: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(channelUri);
  } catch {
    return 'malformed channel URI';
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return 'channel URI is not https';
  const host = url.hostname.toLowerCase();
  if (!hosts.some((h) => host === h || host.endsWith(`.${h}`))) return `channel URI host ${host.slice(0, 100)} is not a WNS host`;
  return undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === '' ? undefined : v;
}

/** Retry-After as seconds or an HTTP date. */
function retryAfterOf(value: string | string[] | undefined): { retryAfterMs?: number } {
  const v = header(value)?.trim();
  if (v === undefined) return {};
  if (/^\d+$/.test(v)) return { retryAfterMs: Number(v) * 1000 };
  const at = Date.parse(v);
  return Number.isFinite(at) ? { retryAfterMs: Math.max(0, at - Date.now()) } : {};
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not JSON.
  }
  return {};
}
