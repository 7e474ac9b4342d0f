import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileExclusive, replaceFile } from './atomic-file.js';

describe('atomic files', () => {
  const root = mkdtempSync(join(tmpdir(), 'steward-atomic-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('creates a file with its mode from the start and refuses to create over an existing one', async () => {
    const dir = mkdtempSync(join(root, 'case-'));
    const path = join(dir, 'ca.key');
    await createFileExclusive(path, 'first', 0o600);
    assert.equal(readFileSync(path, 'utf8'), 'first');
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    await assert.rejects(createFileExclusive(path, 'second', 0o600), { code: 'conflict', target: '--data-dir' });
    assert.equal(readFileSync(path, 'utf8'), 'first');
    assert.deepEqual(readdirSync(dir), ['ca.key']);
  });

  it('replaces a file whole, leaving no temporary files', async () => {
    const dir = mkdtempSync(join(root, 'case-'));
    const path = join(dir, 'tls.key');
    writeFileSync(path, 'old', { mode: 0o644 });
    await replaceFile(path, 'new', 0o600);
    assert.equal(readFileSync(path, 'utf8'), 'new');
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['tls.key']);
  });
});
