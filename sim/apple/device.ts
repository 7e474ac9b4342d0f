// A simulated iPhone, iPad or Mac speaking Apple's MDM protocol over a Transport: it installs an
// enrollment profile (signature checked against the CA its user trusts), gets its identity by
// SCEP, checks in (Authenticate, TokenUpdate), and answers commands on the command channel as
// Apple documents devices do. Knobs let tests make it answer NotNow, fail, drop the connection,
// or attack the server with forged, unsigned, tampered and replayed messages.
import { createHash } from 'node:crypto';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ErrorChainItem } from '../../src/protocol/apple/connect.js';
import { encodePlist, parsePlistDict, type PlistDict } from '../../src/protocol/apple/plist.js';
import { isDict } from '../../src/protocol/apple/key-spec.js';
import { answerCommand } from './answer-command.js';
import { commonName } from './answer-queries.js';
import { authenticateMessage, checkOutMessage, identityKeys, tokenUpdateMessage, type MacUser } from './checkin-messages.js';
import { mdmError, type Channel } from './command-support.js';
import { initialState, type DeviceState, type Enrollment } from './device-state.js';
import { enrollmentPayloads } from './enrollment-profile.js';
import { makeHardware, type DeviceKind, type HardwareOptions } from './hardware.js';
import { mdmSignature, tamper } from './mdm-signature.js';
import { anchorsIn, readProfile } from './mobileconfig.js';
import { scepEnroll } from './scep-client.js';
import type { HttpMethod, Transport, TransportResponse } from './transport.js';
import { pemToDer, type KeyedCertificate } from './x509.js';

export interface SimulatedAppleDeviceOptions extends HardwareOptions {
  kind: DeviceKind;
  transport: Transport;
  /** PEM of the CA(s) the user trusts (installed as a trusted root): the enrollment profile must chain to one. */
  trust?: string | string[];
  /** Default false; supervised-only commands are refused otherwise. */
  supervised?: boolean;
  /** Default true. */
  passcodePresent?: boolean;
  /** Enroll as a User Enrollment (EnrollmentID instead of UDID) even if the profile does not say so. */
  userEnrollment?: boolean;
  /** Pretend the device came through Automated Device Enrollment (commands that require it are accepted). */
  enrolledViaDEP?: boolean;
  /** A Mac's logged-in user, for the user channel (needs com.apple.mdm.per-user-connections). */
  user?: MacUser;
  /** Accept an unsigned enrollment profile, as a device does after warning its user. Default false. */
  allowUnsignedProfile?: boolean;
}

export class EnrollmentError extends Error {
  override readonly name = 'EnrollmentError';
  constructor(message: string, readonly status?: number, readonly body?: string) {
    super(message);
  }
}

export interface CommandSeen {
  CommandUUID: string;
  RequestType: string;
  /** What the device answered; `Dropped` when it went away without answering. */
  Status: 'Acknowledged' | 'Error' | 'CommandFormatError' | 'NotNow' | 'Dropped' | 'Unenrolled';
  ErrorChain?: ErrorChainItem[];
}

export interface ConnectResult {
  commands: CommandSeen[];
  /**
   * `idle`: the server ended the session with an empty 200. `dropped`: a knob made the device go
   * away. `unenrolled`: it removed its MDM profile (RemoveProfile, or a 401/unrecognized-device 403).
   * `erased`: EraseDevice. `http-error`: another status. `malformed`: a body that is no command.
   * `limit`: maxCommands were answered and the server still sent more.
   */
  end: 'idle' | 'dropped' | 'unenrolled' | 'erased' | 'http-error' | 'malformed' | 'limit';
  httpStatus?: number;
  /** Round-trip time of each PUT of the session, in milliseconds. */
  latenciesMs: number[];
}

type Attack = { kind: 'unsigned' } | { kind: 'tamper' } | { kind: 'sign-with'; identity: KeyedCertificate };

export class SimulatedAppleDevice {
  readonly state: DeviceState;
  private readonly transport: Transport;
  private readonly options: SimulatedAppleDeviceOptions;
  private notNowRules: { type: string; remaining: number }[] = [];
  private failRules: { type: string; chain: ErrorChainItem[] }[] = [];
  private drops = 0;
  private attack: Attack | undefined;
  private last: { method: HttpMethod; url: string; headers: Record<string, string>; body: Uint8Array } | undefined;
  private userToken: { Token: Uint8Array; PushMagic: string } | undefined;
  private signedThisSecond: { second: number; digests: Set<string> } = { second: 0, digests: new Set() };

  constructor(options: SimulatedAppleDeviceOptions) {
    this.options = options;
    this.transport = options.transport;
    this.state = initialState(makeHardware(options.kind, options), {
      supervised: options.supervised ?? false, passcodePresent: options.passcodePresent ?? true, enrolledViaDEP: options.enrolledViaDEP ?? false,
    });
    const trust = options.trust === undefined ? [] : Array.isArray(options.trust) ? options.trust : [options.trust];
    this.state.trustAnchors = trust.flatMap(pemToDer);
  }

  get udid(): string { return this.state.hardware.udid; }
  get serialNumber(): string { return this.state.hardware.serialNumber; }
  get enrolled(): boolean { return this.state.enrollment !== undefined; }
  get enrollment(): Readonly<Enrollment> | undefined { return this.state.enrollment; }
  /** The identity SCEP issued, for signWith() on another device or for a test's own checks. */
  get identity(): KeyedCertificate | undefined { return this.state.enrollment?.identity; }

  /**
   * Installs the enrollment profile served at `url`: verifies and reads it, gets the identity by
   * SCEP, and checks in with Authenticate and TokenUpdate. Throws EnrollmentError (or the
   * profile's or SCEP's own error) and stays unenrolled when any step fails.
   */
  async installEnrollmentProfile(url: string): Promise<Enrollment> {
    if (this.enrolled) throw new EnrollmentError('the device already has an MDM profile (Apple allows one)');
    const res = await this.transport.request('GET', url, { accept: 'application/x-apple-aspen-config' });
    if (res.status !== 200) throw new EnrollmentError(`GET ${url} answered ${res.status}`, res.status, text(res.body));
    const type = (res.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (type !== 'application/x-apple-aspen-config') {
      throw new EnrollmentError(`the enrollment profile came as ${JSON.stringify(type)}, not application/x-apple-aspen-config`, res.status);
    }
    const s = this.state;
    // A profile's own root payload is trusted only when the user trusts nothing else (installing
    // the profile installs the root); otherwise the signer must chain to what the user trusts.
    const profile = await readProfile(res.body, {
      signature: this.options.allowUnsignedProfile === true ? 'if-signed' : 'require',
      anchors: s.trustAnchors,
      trustEmbeddedAnchors: s.trustAnchors.length === 0,
    });
    const { mdm, scep } = enrollmentPayloads(profile);
    if (this.options.userEnrollment === true) mdm.userEnrollment = true;
    const issued = await scepEnroll(this.transport, scep);
    const e: Enrollment = {
      mdm, profileIdentifier: profile.PayloadIdentifier, identity: issued,
      pushToken: new Uint8Array(randomBytes(32)), pushMagic: randomUUID().toUpperCase(),
    };
    if (s.hardware.platform === 'iOS' && !mdm.userEnrollment) e.unlockToken = new Uint8Array(randomBytes(48));
    if (mdm.userEnrollment) {
      e.enrollmentId = randomUUID().toUpperCase();
      if (s.hardware.platform === 'macOS') e.enrollmentUserId = randomUUID().toUpperCase();
    }

    s.enrollment = e;
    try {
      await this.checkinOrThrow(authenticateMessage(s.hardware, e), 'Authenticate');
      await this.checkinOrThrow(tokenUpdateMessage(s.hardware, e, 'device', { Token: e.pushToken, PushMagic: e.pushMagic }), 'TokenUpdate');
      if (this.userChannel()) {
        this.userToken = { Token: new Uint8Array(randomBytes(32)), PushMagic: randomUUID().toUpperCase() };
        await this.checkinOrThrow(tokenUpdateMessage(s.hardware, e, 'user', this.userToken, this.options.user), 'TokenUpdate (user channel)');
      }
    } catch (err) {
      s.enrollment = undefined;
      throw err;
    }
    // An erased device set up again enrolls like a new one.
    s.erased = false;
    s.profiles.push({ profile, source: 'enrollment', installedAt: new Date() });
    s.certificates.push({ CommonName: commonName(issued.certificateDer), Data: issued.certificateDer, IsIdentity: true, profile: profile.PayloadIdentifier });
    for (const der of anchorsIn(profile.payloads)) {
      s.certificates.push({ CommonName: commonName(der), Data: der, IsIdentity: false, profile: profile.PayloadIdentifier });
      if (!s.trustAnchors.some((a) => Buffer.from(a).equals(Buffer.from(der)))) s.trustAnchors.push(der);
    }
    return e;
  }

  /**
   * One session on the command channel: Idle, then answer each command until the server answers
   * with an empty body. `maxCommands` guards against a server that never stops.
   */
  async connect(options: { channel?: Channel; maxCommands?: number } = {}): Promise<ConnectResult> {
    const channel = options.channel ?? 'device';
    const result: ConnectResult = { commands: [], end: 'idle', latenciesMs: [] };
    if (this.state.erased) return { ...result, end: 'erased' };
    const e = this.requireEnrollment();
    if (channel === 'user' && !this.userChannel()) throw new Error('this device has no user channel (a Mac with options.user and a per-user-connections server)');
    const ids = identityKeys(this.state.hardware, e, channel, this.options.user);
    let report: PlistDict = { ...ids, Status: 'Idle' };
    for (let n = 0; n <= (options.maxCommands ?? 1000); n++) {
      const started = performance.now();
      const res = await this.sendConnect(report);
      result.latenciesMs.push(performance.now() - started);
      if (this.unenrolledBy(res)) {
        await this.unenroll({ checkOut: false });
        return { ...result, end: 'unenrolled', httpStatus: res.status };
      }
      if (res.status < 200 || res.status > 299) return { ...result, end: 'http-error', httpStatus: res.status };
      if (res.body.length === 0) return result;
      let envelope: PlistDict;
      try {
        envelope = parsePlistDict(res.body);
      } catch {
        return { ...result, end: 'malformed', httpStatus: res.status };
      }
      const uuid = envelope.CommandUUID;
      // Without a CommandUUID there is nothing to answer to.
      if (typeof uuid !== 'string' || uuid === '') return { ...result, end: 'malformed', httpStatus: res.status };
      const command = envelope.Command;
      const requestType = isDict(command) && typeof command.RequestType === 'string' ? command.RequestType : '';
      const seen: CommandSeen = { CommandUUID: uuid, RequestType: requestType, Status: 'Acknowledged' };
      result.commands.push(seen);
      if (this.drops > 0) {
        this.drops--;
        seen.Status = 'Dropped';
        return { ...result, end: 'dropped' };
      }
      const answer = await this.answer(isDict(command) ? command : {}, requestType, channel);
      if (answer.Status === 'Unenroll') {
        seen.Status = 'Unenrolled';
        await this.unenroll({ checkOut: e.mdm.CheckOutWhenRemoved });
        return { ...result, end: 'unenrolled' };
      }
      seen.Status = answer.Status;
      report = { ...ids, CommandUUID: uuid, Status: answer.Status };
      if (answer.Status === 'Acknowledged') Object.assign(report, answer.response);
      if (answer.Status === 'Error' || answer.Status === 'CommandFormatError') {
        report.ErrorChain = answer.ErrorChain.map((i) => ({ ...i }));
        seen.ErrorChain = answer.ErrorChain;
      }
      if (answer.Status === 'Acknowledged' && answer.after === 'erase') {
        const started2 = performance.now();
        await this.sendConnect(report);
        result.latenciesMs.push(performance.now() - started2);
        this.erase();
        return { ...result, end: 'erased' };
      }
    }
    return { ...result, end: 'limit' };
  }

  private async answer(command: PlistDict, requestType: string, channel: Channel): Promise<Awaited<ReturnType<typeof answerCommand>> | { Status: 'NotNow' }> {
    const nn = this.notNowRules.find((r) => (r.type === requestType || r.type === '*') && r.remaining > 0);
    if (nn !== undefined) {
      nn.remaining--;
      this.notNowRules = this.notNowRules.filter((r) => r.remaining > 0);
      return { Status: 'NotNow' };
    }
    const fail = this.failRules.findIndex((r) => r.type === requestType || r.type === '*');
    if (fail >= 0) {
      const [rule] = this.failRules.splice(fail, 1);
      return { Status: 'Error', ErrorChain: rule?.chain ?? [] };
    }
    return answerCommand(this.state, command, channel);
  }

  // ---- knobs --------------------------------------------------------------------------------

  /** Answer NotNow to the next `times` commands of `requestType` ('*': any). */
  notNow(requestType: string, times = 1): this {
    this.notNowRules.push({ type: requestType, remaining: times });
    return this;
  }

  /** Answer the next command of `requestType` ('*': any) with Error and this ErrorChain. */
  failNext(requestType: string, errorChain: ErrorChainItem[] = [mdmError(12004, 'The simulator was told to fail this command.')]): this {
    this.failRules.push({ type: requestType, chain: errorChain });
    return this;
  }

  /** After receiving the next command, go away without answering it (the server must redeliver). */
  dropConnectionAfterCommand(times = 1): this {
    this.drops += times;
    return this;
  }

  /** Sign the next message with another identity (a device's, or any certificate and key). */
  signWith(other: SimulatedAppleDevice | KeyedCertificate): this {
    const identity = other instanceof SimulatedAppleDevice ? other.identity : other;
    if (identity === undefined) throw new Error('signWith: the other device is not enrolled');
    this.attack = { kind: 'sign-with', identity };
    return this;
  }

  /** Send the next message without an Mdm-Signature header. */
  unsigned(): this {
    this.attack = { kind: 'unsigned' };
    return this;
  }

  /** Send the next message with a signature that does not verify. */
  tamperSignature(): this {
    this.attack = { kind: 'tamper' };
    return this;
  }

  /** Sends the last request again, byte for byte, signature and all. */
  async replayLast(): Promise<TransportResponse> {
    const last = this.last;
    if (last === undefined) throw new Error('replayLast: nothing was sent yet');
    return this.transport.request(last.method, last.url, last.headers, last.body);
  }

  /** Sends CheckOut (whatever CheckOutWhenRemoved says) and unenrolls. */
  async checkOut(): Promise<TransportResponse> {
    const e = this.requireEnrollment();
    const res = await this.sendCheckin(checkOutMessage(this.state.hardware, e));
    await this.unenroll({ checkOut: false });
    return res;
  }

  /** The user removes the MDM profile by hand: CheckOut only if CheckOutWhenRemoved. */
  async removeEnrollmentProfile(): Promise<void> {
    const e = this.requireEnrollment();
    await this.unenroll({ checkOut: e.mdm.CheckOutWhenRemoved });
  }

  /** APNs gave the device a new token: TokenUpdate with it. */
  async rotatePushToken(): Promise<TransportResponse> {
    const e = this.requireEnrollment();
    e.pushToken = new Uint8Array(randomBytes(32));
    return this.sendCheckin(tokenUpdateMessage(this.state.hardware, e, 'device', { Token: e.pushToken, PushMagic: e.pushMagic }));
  }

  /** PUTs any dictionary to the CheckInURL, signed as the device signs (or as a knob says). */
  async sendCheckin(dict: PlistDict): Promise<TransportResponse> {
    const e = this.requireEnrollment();
    return this.send(e.mdm.CheckInURL, 'application/x-apple-aspen-mdm-checkin', encodePlist(dict));
  }

  /** PUTs any dictionary to the ServerURL. */
  async sendConnect(dict: PlistDict): Promise<TransportResponse> {
    const e = this.requireEnrollment();
    return this.send(e.mdm.ServerURL, 'application/x-apple-aspen-mdm', encodePlist(dict));
  }

  // ---- internals ----------------------------------------------------------------------------

  private async send(url: string, contentType: string, body: Uint8Array): Promise<TransportResponse> {
    const e = this.requireEnrollment();
    const headers: Record<string, string> = {
      'content-type': contentType,
      'user-agent': this.state.hardware.platform === 'macOS' ? 'MDM-OSX/1.0 mdmclient (unknown version)' : 'MDM/1.0',
    };
    const attack = this.attack;
    this.attack = undefined;
    if (e.mdm.SignMessage || attack !== undefined) {
      if (attack?.kind === 'sign-with') headers['mdm-signature'] = await mdmSignature(body, attack.identity);
      else if (attack?.kind !== 'unsigned') {
        const signature = await mdmSignature(body, e.identity, await this.signingTime(body));
        headers['mdm-signature'] = attack?.kind === 'tamper' ? tamper(signature) : signature;
      }
    }
    this.last = { method: 'PUT', url, headers, body };
    return this.transport.request('PUT', url, headers, body);
  }

  /**
   * The signingTime for a message. CMS signing times have whole seconds (UTCTime), so the same body
   * signed twice within a second is the same message byte for byte, which a server rightly refuses
   * as a replay. A real device never starts two sessions within a second; a simulator driven by a
   * test loop can, so it waits for the next second instead.
   */
  private async signingTime(body: Uint8Array): Promise<Date> {
    const digest = createHash('sha256').update(body).digest('hex');
    let second = Math.floor(Date.now() / 1000);
    if (this.signedThisSecond.second === second && this.signedThisSecond.digests.has(digest)) {
      await new Promise((r) => setTimeout(r, (second + 1) * 1000 - Date.now() + 5));
      second = Math.floor(Date.now() / 1000);
    }
    if (this.signedThisSecond.second !== second) this.signedThisSecond = { second, digests: new Set() };
    this.signedThisSecond.digests.add(digest);
    return new Date(second * 1000 + 1);
  }

  private async checkinOrThrow(message: PlistDict, what: string): Promise<void> {
    const res = await this.sendCheckin(message);
    if (res.status < 200 || res.status > 299) {
      throw new EnrollmentError(`${what} was refused with ${res.status}: ${text(res.body)}`, res.status, text(res.body));
    }
  }

  private userChannel(): boolean {
    const e = this.state.enrollment;
    return this.state.hardware.platform === 'macOS' && e !== undefined
      && e.mdm.ServerCapabilities.includes('com.apple.mdm.per-user-connections')
      && (this.options.user !== undefined || e.enrollmentUserId !== undefined);
  }

  /**
   * A 401 makes a device unenroll (Apple: "Check-In"/"Handling errors"), and since iOS 17 and
   * macOS 14 so does a 403 whose body has the code com.apple.unrecognized.device (mdm/errors).
   */
  private unenrolledBy(res: TransportResponse): boolean {
    if (res.status === 401) return true;
    if (res.status !== 403 || res.body.length === 0) return false;
    try {
      const type = res.headers['content-type'] ?? '';
      const body = type.includes('json') ? JSON.parse(text(res.body, Infinity)) as unknown : parsePlistDict(res.body);
      return typeof body === 'object' && body !== null && (body as { code?: unknown }).code === 'com.apple.unrecognized.device';
    } catch {
      return false;
    }
  }

  /** Removes the MDM profile and everything it brought; optionally sends CheckOut first. */
  private async unenroll(o: { checkOut: boolean }): Promise<void> {
    const s = this.state;
    const e = s.enrollment;
    if (e === undefined) return;
    if (o.checkOut) {
      try {
        await this.sendCheckin(checkOutMessage(s.hardware, e));
      } catch {
        // Best effort: a device that cannot reach the server unenrolls all the same.
      }
    }
    const removed = new Set(s.profiles.filter((p) => p.source !== 'user').map((p) => p.profile.PayloadIdentifier));
    s.profiles = s.profiles.filter((p) => p.source === 'user');
    s.certificates = s.certificates.filter((c) => c.profile === undefined || !removed.has(c.profile));
    // Apple: ManagementFlags 1 removes a managed app with the MDM profile; others stay, unmanaged.
    s.apps = s.apps.filter((a) => !a.managed || (a.ManagementFlags & 1) === 0).map((a) => ({ ...a, managed: false }));
    s.lostMode = undefined;
    s.enrollment = undefined;
    this.userToken = undefined;
  }

  private erase(): void {
    const s = this.state;
    const fresh = initialState(s.hardware, { supervised: s.supervised, passcodePresent: false, enrolledViaDEP: s.enrolledViaDEP });
    for (const k of Object.keys(s)) if (!(k in fresh)) delete (s as unknown as Record<string, unknown>)[k];
    Object.assign(s, fresh, { erased: true });
    this.userToken = undefined;
  }

  private requireEnrollment(): Enrollment {
    const e = this.state.enrollment;
    if (e === undefined) throw new Error(this.state.erased ? 'the device was erased' : 'the device is not enrolled');
    return e;
  }
}

function text(body: Uint8Array, max = 500): string {
  return new TextDecoder().decode(body.subarray(0, Math.min(body.length, max)));
}
