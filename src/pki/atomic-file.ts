// Whole-or-nothing file writes for keys and certificates: the content goes to a temporary file
// in the same directory, is flushed to disk, and only then takes the final name. A kill or power
// cut leaves either the old file, the new one, or no file; never half a key.
import { randomBytes } from 'node:crypto';
import { link, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StewardError } from '../core/errors.js';

/** Writes `path` atomically, replacing any file already there. */
export async function replaceFile(path: string, data: string, mode: number): Promise<void> {
  const temp = await writeTemp(path, data, mode);
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dirname(path));
}

/**
 * Writes `path` atomically, failing with StewardError('conflict') if it already exists. A hard
 * link publishes the file and fails with EEXIST where rename() would silently replace; on
 * filesystems without hard links a check-then-rename leaves a small window.
 */
export async function createFileExclusive(path: string, data: string, mode: number): Promise<void> {
  const conflict = () => new StewardError('conflict',
    `${path} appeared while Steward was creating it: is another Steward starting with the same --data-dir?`, '--data-dir');
  const temp = await writeTemp(path, data, mode);
  try {
    try {
      await link(temp, path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw conflict();
      if (await exists(path)) throw conflict();
      await rename(temp, path);
    }
  } finally {
    await rm(temp, { force: true });
  }
  await syncDirectory(dirname(path));
}

async function writeTemp(path: string, data: string, mode: number): Promise<string> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never follow or reuse an existing file; the mode applies from creation, so a key is
  // never readable by others even for an instant.
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  return temp;
}

/** Makes the rename itself durable. Windows cannot open a directory; there this is skipped. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the data is already on disk, only the directory entry may lag.
  } finally {
    await handle?.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
