// The web authentication broker's part of a Federated enrollment, as a person at the PC drives it:
// Windows opens AuthenticationServiceUrl?appru=<ms-app://…>&login_hint=<upn> (plus the link's
// accesstoken when an ms-device-enrollment: link carried one), the person fills in the forms the
// server shows, and the flow ends when a page POSTs `wresult` to appru ([MS-MDE2] §3.2). Forms are
// read from the HTML with a few regular expressions: enough for plain server-rendered forms.
import type { Transport } from './transport.js';

/** The appid Windows passes as appru (the [MS-MDE2] §3.2 example's). */
export const WINDOWS_APPRU = 'ms-app://windows.immersivecontrolpanel';

export interface WebAuthPerson {
  userName: string;
  password?: string;
  /** Called each time the page asks for an authenticator code. */
  totpCode?: () => string;
}

export class WebAuthError extends Error {
  override readonly name = 'WebAuthError';
  constructor(message: string, readonly status: number, readonly pageText: string) {
    super(message);
  }
}

export interface HtmlForm {
  action: string;
  method: string;
  inputs: { name: string; type: string; value: string }[];
}

const decodeEntities = (s: string): string => s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
  if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e.toLowerCase()] ?? '';
});

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z_:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]!.toLowerCase()] = decodeEntities(m[3] ?? m[4] ?? '');
  for (const m of tag.matchAll(/\s([a-zA-Z-]+)(?=[\s>/]|$)(?!\s*=)/g)) out[m[1]!.toLowerCase()] ??= '';
  return out;
}

export function readForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const a = attributes(m[1] ?? '');
    const inputs = [...(m[2] ?? '').matchAll(/<input\b([^>]*)>/gi)].map((i) => {
      const ia = attributes(i[1] ?? '');
      return { name: ia.name ?? '', type: (ia.type ?? 'text').toLowerCase(), value: ia.value ?? '' };
    }).filter((i) => i.name !== '');
    forms.push({ action: a.action ?? '', method: (a.method ?? 'get').toLowerCase(), inputs });
  }
  return forms;
}

export const pageText = (html: string): string => decodeEntities(html.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();

/** Runs the sign-in pages; returns the wresult the last page posts to appru. */
export async function runWebAuthentication(transport: Transport, input: {
  authenticationServiceUrl: string;
  loginHint: string;
  accessToken?: string;
  person: WebAuthPerson;
  appru?: string;
}): Promise<string> {
  const appru = input.appru ?? WINDOWS_APPRU;
  const start = new URL(input.authenticationServiceUrl);
  start.searchParams.set('appru', appru);
  start.searchParams.set('login_hint', input.loginHint);
  if (input.accessToken !== undefined) start.searchParams.set('accesstoken', input.accessToken);
  let res = await transport.request('GET', start.toString(), { accept: 'text/html' });
  let url = start;
  let lastForm: string | undefined;
  for (let step = 0; step < 6; step++) {
    const html = Buffer.from(res.body).toString('utf8');
    if (res.status !== 200) throw new WebAuthError(`sign-in page answered ${res.status}: ${pageText(html).slice(0, 300)}`, res.status, pageText(html));
    const forms = readForms(html);
    const handOff = forms.find((f) => f.method === 'post' && f.action === appru);
    if (handOff) {
      const wresult = handOff.inputs.find((i) => i.name === 'wresult');
      if (!wresult) throw new WebAuthError('the page posts to appru without a wresult', res.status, pageText(html));
      return wresult.value;
    }
    const form = forms.find((f) => f.method === 'post');
    if (!form) throw new WebAuthError(`sign-in stopped: ${pageText(html).slice(0, 300)}`, res.status, pageText(html));
    // The same form again with an error: a person reads it and gives up rather than retype the same thing.
    const shape = form.inputs.map((i) => `${i.type}:${i.name}`).join(',');
    const alert = /<[^>]+role="alert"[^>]*>([\s\S]*?)<\/[a-z]+>/i.exec(html);
    if (shape === lastForm && alert) throw new WebAuthError(`sign-in refused: ${pageText(alert[1] ?? '')}`, res.status, pageText(html));
    lastForm = shape;
    const fields = new URLSearchParams();
    let filled = false;
    for (const i of form.inputs) {
      if (i.type === 'password') {
        if (input.person.password === undefined) throw new WebAuthError('the page asks for a password and the person has none', res.status, pageText(html));
        fields.set(i.name, input.person.password);
        filled = true;
      } else if (i.type === 'email' || (i.type === 'text' && /user/i.test(i.name))) {
        fields.set(i.name, i.value !== '' ? i.value : input.person.userName);
      } else if (i.type === 'text' && /code|otp/i.test(i.name)) {
        if (!input.person.totpCode) throw new WebAuthError('the page asks for an authenticator code and the person has no authenticator', res.status, pageText(html));
        fields.set(i.name, input.person.totpCode());
        filled = true;
      } else {
        fields.set(i.name, i.value);
      }
    }
    if (!filled) throw new WebAuthError(`sign-in page has a form with nothing to fill in: ${pageText(html).slice(0, 300)}`, res.status, pageText(html));
    url = new URL(form.action, url);
    res = await transport.request('POST', url.toString(), { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, new Uint8Array(Buffer.from(fields.toString(), 'utf8')));
  }
  throw new WebAuthError('sign-in went on for too many pages', res.status, '');
}
