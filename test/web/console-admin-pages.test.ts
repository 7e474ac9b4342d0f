// The console's management pages in a real browser: the API's validation errors next to the field
// they name, an enrollment token and its QR code shown once, users (create, licence, CSV import
// with progress), the audit log's filters and CSV export, a read-only admin seeing no create
// buttons, axe-core on every page, and a phone-width viewport.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, signIn, webSuite } from './harness.js';

/** The field's error: shown inside the field, announced, and tied to the control. */
async function fieldError(page: Page, name: string, pattern: RegExp): Promise<void> {
  const field = page.locator(`[data-field="${name}"]`);
  const error = field.getByRole('alert');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', pattern);
  const control = field.locator('input, select, textarea').first();
  assert.equal(await control.getAttribute('aria-invalid'), 'true');
  const describedBy = (await control.getAttribute('aria-describedby')) ?? '';
  assert.ok(describedBy.split(' ').includes((await error.getAttribute('id')) ?? '-'), 'the error describes the control');
}

describe('admin console management pages', () => {
  const w = webSuite();

  it('shows the API validation errors next to the field they name', async () => {
    const page = await w.page();
    await signIn(page, await w.admin(), '/configuration-profiles/new');
    await page.getByLabel('Kind').selectOption('wifi');
    await page.getByLabel('Name', { exact: true }).fill('Guest Wi-Fi');
    await page.getByLabel('Network name (SSID)').fill('Guests');
    await page.getByLabel('Security type').selectOption('wpa2Personal');
    await page.getByLabel('Pre-shared key').fill('short');
    await page.getByRole('button', { name: 'Create profile' }).click();
    await fieldError(page, 'preSharedKey', /WPA passphrase is 8 to 63 printable ASCII characters/);
    await assertAccessible(page, 'a profile form with an error');

    // A JSON-edited kind: bad JSON is refused before sending, a server error names the setting.
    await page.getByLabel('Kind').selectOption('scep');
    const settings = page.getByLabel("Settings (JSON, Graph's property names)");
    await settings.fill('{ "scepServerUrls": [');
    await page.getByRole('button', { name: 'Create profile' }).click();
    await fieldError(page, 'settings', /not valid JSON/);
    await settings.fill('{ "scepServerUrls": ["ftp://scep.example.com"] }');
    await page.getByRole('button', { name: 'Create profile' }).click();
    await fieldError(page, 'settings', /scepServerUrls: 'ftp:\/\/scep\.example\.com' is not an http\(s\) URL/);

    // A dynamic group's rule: the parser's words under the rule.
    await page.goto('/groups');
    await page.getByRole('button', { name: 'New group' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Sales people');
    await page.getByLabel('Membership', { exact: true }).selectOption('dynamic');
    await page.getByLabel('Membership rule').fill('user.departmant -eq "Sales"');
    await page.getByRole('button', { name: 'Create group' }).click();
    await fieldError(page, 'membershipRule', /unknown property user\.departmant at position 0 \(did you mean user\.department\?\)/);
    await page.getByLabel('Membership rule').fill('user.department -eq "Sales"');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: 'Sales people', level: 1 }).waitFor();
    await page.getByText('Dynamic group: its members come from the rule').waitFor();
  });

  it('shows an enrollment token and its QR code once, and revokes it', async () => {
    const page = await w.page();
    await signIn(page, await w.admin(), '/enrollment-profiles');
    await page.getByRole('button', { name: 'New enrollment profile' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Field Macs');
    await page.getByLabel('Platform').selectOption('macOS');
    await page.getByRole('button', { name: 'Create' }).click();
    const token = (await page.getByTestId('token-value').textContent()) ?? '';
    assert.ok(token.length >= 20, token);
    assert.equal(await page.getByTestId('enrollment-url').textContent(), `https://mdm.example.test/enroll/${token}`);
    const qr = page.getByRole('img', { name: 'QR code of the enrollment link for Field Macs' });
    assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
    await assertAccessible(page, 'the enrollment token');

    // Gone after a reload: the server keeps a hash only.
    await page.reload();
    await page.getByRole('cell', { name: 'Field Macs', exact: true }).waitFor();
    assert.equal(await page.getByTestId('token-once').count(), 0);
    assert.ok(!(await page.content()).includes(token), 'the token is not on the page any more');

    await page.getByRole('button', { name: 'Revoke the token of Field Macs' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('cell', { name: /^Revoked/ }).waitFor();
    const download = await w.t.app.inject({ url: `/enroll/${token}` });
    assert.equal(download.statusCode, 403, 'the revoked token no longer downloads the profile');
  });

  it('creates a user, assigns the licence, and imports a CSV file with progress', async () => {
    const page = await w.page();
    await signIn(page, await w.admin(), '/users');
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Display name').fill('Adele Vance');
    await page.getByLabel('User name (user@domain)').fill('adele@contoso.example');
    await page.getByLabel('Initial password').fill('short');
    await page.getByRole('button', { name: 'Create user' }).click();
    await fieldError(page, 'passwordProfile', /password/i);
    await page.getByLabel('Initial password').fill('Another-Long-Passphrase-42');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('link', { name: 'Adele Vance' }).click();
    await page.getByRole('heading', { name: 'Adele Vance', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Assign licence' }).click();
    await page.getByTestId('licence-state').filter({ hasText: 'assigned' }).waitFor();
    await assertAccessible(page, 'a user page');

    // An assigned group: Adele added by name, shown as a member, then removed.
    await page.goto('/groups');
    await page.getByRole('button', { name: 'New group' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Front desk');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: 'Front desk', level: 1 }).waitFor();
    await page.getByLabel('Add a member: user or group name').fill('Adele');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Add Adele Vance' }).click();
    const members = page.getByTestId('group-members');
    await members.getByRole('link', { name: 'Adele Vance' }).waitFor();
    await assertAccessible(page, 'a group page');
    await members.getByRole('button', { name: 'Remove Adele Vance from the group' }).click();
    await page.getByText('No members.').waitFor();

    // 60 rows in slices of 25: three requests; two bad rows reported by their lines in the file,
    // the first spanning two lines (a quoted line break), which moves the lines of the rows after it.
    const rows = Array.from({ length: 60 }, (_, i) => (i === 41 ? 'not-an-email,Broken Row' : i === 9 ? 'not-valid-9,"Two\nlines"' : `import${i}@contoso.example,"Imported, ${i}"`));
    await page.goto('/users');
    await page.getByRole('button', { name: 'Import CSV' }).click();
    await page.getByLabel('CSV file (UTF-8)').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(`userPrincipalName,displayName\n${rows.join('\n')}\n`) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('import-summary').filter({ hasText: '58 of 60 users imported.' }).waitFor();
    assert.equal(await page.locator('progress').getAttribute('value'), '60');
    const failures = page.getByRole('list', { name: 'Failures' }).getByRole('listitem');
    assert.deepEqual((await failures.allTextContents()).map((t) => t.replace(/:.*/s, '')), ['Line 11 (not-valid-9)', 'Line 44 (not-an-email)']);
    await page.getByLabel('Search by name, user name or e-mail').fill('import5');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('cell', { name: 'Imported, 5', exact: true }).waitFor();
  });

  it('filters the audit log and exports what the filters select as CSV', async () => {
    const page = await w.page();
    await signIn(page, await w.admin(), '/roles');
    // Something to find: a scope tag made through the page.
    await page.getByRole('button', { name: 'New scope tag' }).click();
    await page.getByLabel('Tag name').fill('Oslo office');
    await page.getByRole('button', { name: 'Create scope tag' }).click();
    await page.getByText('Oslo office').first().waitFor();

    // A role assignment over a scope group; the API's refusal in words; then the tag added by editing it.
    const adminsGroup = 'Steward role: Intune Administrator';
    await page.getByRole('button', { name: 'New assignment' }).click();
    const create = page.getByRole('form', { name: 'New role assignment' });
    await create.getByLabel('Name', { exact: true }).fill('Oslo help desk');
    await create.getByLabel('Role', { exact: true }).selectOption({ label: 'Help Desk Operator' });
    await create.getByRole('group', { name: /^Admins/ }).getByLabel(adminsGroup).check();
    await create.getByLabel('Scope: which users and devices they manage').selectOption('resourceScope');
    await create.getByRole('button', { name: 'Create assignment' }).click();
    await create.getByRole('alert').filter({ hasText: 'resourceScopes must name at least one group' }).waitFor();
    await create.getByRole('group', { name: 'Scope groups' }).getByLabel(adminsGroup).check();
    await create.getByRole('button', { name: 'Create assignment' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Oslo help desk' });
    await row.getByRole('cell', { name: 'Help Desk Operator' }).waitFor();
    await row.getByRole('button', { name: 'Edit assignment Oslo help desk' }).click();
    const edit = page.getByRole('form', { name: 'Change the assignment Oslo help desk' });
    await edit.getByRole('group', { name: /^Scope tags/ }).getByLabel('Oslo office').check();
    await edit.getByRole('button', { name: 'Save assignment' }).click();
    await row.getByRole('cell', { name: 'Oslo office' }).waitFor();
    await assertAccessible(page, 'roles and scope');

    await page.goto('/audit-log');
    await page.getByLabel('Category').selectOption('Role');
    await page.getByLabel('Activity').selectOption({ label: 'Create RoleScopeTag' }).catch(async () => {
      // Activity types are what was recorded; pick whichever names the scope tag creation.
      const options = await page.getByLabel('Activity').locator('option').allTextContents();
      await page.getByLabel('Activity').selectOption({ label: options.find((o) => /scope tag/i.test(o)) ?? options[1]! });
    });
    await page.getByLabel('Resource (name or id)').fill('Oslo office');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const table = page.getByTestId('audit-table');
    await table.getByRole('cell', { name: 'Oslo office' }).waitFor();
    assert.equal(await table.locator('tbody > tr').count(), 1);
    await assertAccessible(page, 'the audit log');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines.length, 2, csv);
    assert.match(lines[0]!, /activityDateTime/);
    assert.match(lines[1]!, /Oslo office/);
  });

  it('hides create buttons from an admin whose role only reads, and every page passes axe at phone width', async () => {
    const page = await w.page({ width: 375, height: 800 });
    await signIn(page, await w.admin('Read Only Operator'), '/users');
    const checks: [string, string, RegExp][] = [
      ['/users', 'Users', /New user|Import CSV/],
      ['/groups', 'Groups', /New group/],
      ['/compliance-policies', 'Compliance policies', /New policy/],
      ['/configuration-profiles', 'Configuration profiles', /New profile/],
      ['/enrollment-profiles', 'Enrollment profiles', /New enrollment profile/],
      ['/roles', 'Roles and scope', /New custom role|New assignment|New scope tag/],
      ['/audit-log', 'Audit log', /^$/],
    ];
    for (const [path, title, create] of checks) {
      await page.goto(path);
      await page.getByRole('heading', { name: title, level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      await page.getByText(/^Loading/).first().waitFor({ state: 'detached' });
      if (create.source !== '^$') assert.equal(await page.getByRole('button', { name: create }).or(page.getByRole('link', { name: create })).count(), 0, `${path} offers no create button`);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      assert.ok(overflow <= 0, `${path} fits a 375 px screen (overflows by ${overflow} px)`);
      await assertAccessible(page, `${title} at 375 px`);
    }
    // Detail pages: fields read-only, no Save, Delete or token buttons (the groups and the
    // enrollment profile were made by the tests above).
    await page.goto('/groups');
    await page.getByRole('link', { name: 'Sales people' }).click();
    await page.getByRole('heading', { name: 'Sales people', level: 1 }).waitFor();
    await page.getByText('Your role allows reading this group, not changing it.').waitFor();
    assert.equal(await page.getByLabel('Membership rule').isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: /Save changes|Delete group/ }).count(), 0);
    await page.goto('/enrollment-profiles');
    await page.getByRole('cell', { name: 'Field Macs', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: /New token|Revoke|Delete/ }).count(), 0);
  });
});
