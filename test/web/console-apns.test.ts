// The Apple push certificate page in a real browser (issue 7): the certificate in use with its
// expiry warning; an admin downloads a signing request through a real download, the test plays
// Apple's portal and signs it (test/support/push-certificates.ts), the admin uploads the
// certificate: refused in words while its topic differs, accepted once the box is ticked; the page
// and the dashboard's set-up checklist show it. A Read Only Operator sees it but cannot change it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { PushCertificateFactory } from '../support/push-certificates.js';
import { assertAccessible, assertNoBrowserErrors, screenshot, signIn, webSuite } from './harness.js';

const DAY_MS = 86_400_000;

describe('console: Apple push certificate', () => {
  const w = webSuite();
  const apple = new PushCertificateFactory();
  after(() => { apple.cleanup(); });

  /** Makes the stored certificate end at `notAfter` (as time passing would). */
  async function expireAt(notAfter: Date) {
    const current = await w.t.core.pushCertificates.current();
    assert.ok(current, 'the suite starts with a push certificate');
    assert.equal(await w.t.core.pushCertificates.replace({ ...current, notAfter }, current.serialNumber), true);
  }

  it('an admin downloads the signing request, uploads the certificate Apple issued for it, and sees it in use', async () => {
    const admin = await w.admin();
    const page = await w.page();
    const oldTopic = w.t.topic;

    // Ten days left: the page warns in words.
    await expireAt(new Date(Date.now() + 10 * DAY_MS));
    await signIn(page, admin, '/apple-push-certificate');
    await page.getByRole('heading', { name: 'Apple push certificate', level: 1 }).waitFor();
    await page.getByTestId('apns-topic').filter({ hasText: oldTopic }).waitFor();
    await page.getByRole('alert').filter({ hasText: /expires on .* \(in 10 days\)\. Renew it now, with the same Apple ID/ }).waitFor();

    // Expired: the checklist says to do.
    await expireAt(new Date(Date.now() - DAY_MS));
    await page.getByRole('navigation').getByRole('link', { name: 'Home', exact: true }).click();
    const check = page.locator('[data-check="apns"]');
    await check.filter({ hasText: 'To do' }).filter({ hasText: /Expired on/ }).waitFor();
    await check.getByRole('link', { name: 'Apple push certificate (APNs)' }).click();
    await page.getByRole('alert').filter({ hasText: /expired on/ }).waitFor();

    // The signing request, through a real download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download signing request' }).click()]);
    assert.equal(download.suggestedFilename(), 'steward-push.csr');
    const csr = readFileSync(await download.path(), 'utf8');
    assert.match(csr, /^-----BEGIN CERTIFICATE REQUEST-----/);
    assert.equal(apple.verifyRequest(csr).ok, true, 'a well-formed request signed by its key');
    await page.getByText('Saved as steward-push.csr.').waitFor();

    // Apple's portal (Create, so a new topic) issues the certificate for the request's key.
    const issued = apple.signRequest(csr);
    assert.notEqual(issued.topic, oldTopic);
    const file = page.getByLabel('Certificate from Apple (.pem or .cer)');
    await file.setInputFiles({ name: 'MDM_Certificate.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(issued.certificate) });
    await page.getByLabel("Apple ID used at Apple's portal").fill('mdm@contoso.example');
    await page.getByRole('button', { name: 'Upload certificate' }).click();
    // A new topic strands the enrolled devices: refused in words, the old certificate stays.
    await page.getByRole('alert').filter({ hasText: /not accepted: .*topic .* differs .*tick "Replace the certificate even if its topic differs"/ }).waitFor();
    assert.equal((await w.t.core.pushCertificates.current())?.topic, oldTopic);

    // Again, ticked, and as the DER .cer some tools save (the page converts it to PEM).
    const der = Buffer.from(issued.certificate.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    await file.setInputFiles({ name: 'MDM_Certificate.cer', mimeType: 'application/pkix-cert', buffer: der });
    await page.getByLabel('Replace the certificate even if its topic differs').check();
    await page.getByRole('button', { name: 'Upload certificate' }).click();
    await page.getByRole('status').filter({ hasText: `Certificate uploaded: topic ${issued.topic}` }).waitFor();
    await page.getByTestId('apns-topic').filter({ hasText: issued.topic }).waitFor();
    const stored = await w.t.core.pushCertificates.current();
    assert.equal(stored?.topic, issued.topic);
    assert.equal(stored?.appleIdentifier, 'mdm@contoso.example');
    assert.equal(stored?.serialNumber.replace(/^0+/, ''), issued.serialNumber.replace(/^0+/, ''));
    const expires = (await page.getByTestId('apns-expires').textContent()) ?? '';
    assert.match(expires, new RegExp(String(stored?.notAfter.getFullYear())));
    assert.equal(await page.getByRole('alert').count(), 0, 'no expiry warning for a certificate valid a year');
    await assertAccessible(page, 'the Apple push certificate page');
    await screenshot(page, 'console-apns');

    // The checklist shows it done.
    await page.getByRole('navigation').getByRole('link', { name: 'Home', exact: true }).click();
    await page.locator('[data-check="apns"]').filter({ hasText: 'Done' }).filter({ hasText: /Valid until/ }).waitFor();
    assertNoBrowserErrors(page);
  });

  it('a Read Only Operator sees the certificate but no download or upload', async () => {
    const reader = await w.admin('Read Only Operator');
    const page = await w.page({ width: 375 });
    await signIn(page, reader, '/apple-push-certificate');
    await page.getByTestId('apns-topic').waitFor();
    await page.getByText('Your role allows reading the certificate, not downloading a signing request or uploading a certificate.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Download signing request' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Upload certificate' }).count(), 0);
    assert.equal(await page.locator('input[type=file]').count(), 0);
    await assertAccessible(page, 'the Apple push certificate page, read only, on a phone');
    assertNoBrowserErrors(page);
  });
});
