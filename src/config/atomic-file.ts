import { randomBytes } from 'node:crypto';
import { lstat, rename, rm, writeFile } from 'node:fs/promises';
import { UsageError, UserError } from '../errors.js';

/**
 * Writes `text` to `file` atomically: a temporary file in the same folder, then a rename over the old one, so a
 * reader sees the old file or the new one, never half of it, and an interrupted write leaves the old file
 * intact. Only a regular file is replaced: a directory, a symbolic link (the rename would replace the link, not
 * what it points to), a FIFO or a device is refused with a usage error, before anything is written.
 */
export async function writeFileAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  const kind = await pathKind(file);
  if (kind !== 'missing' && kind !== 'file') {
    throw new UsageError(
      `${file} is ${kind}, not a regular file: refusing to replace it.`,
      'Give the path of a file (new or existing).',
    );
  }
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode, flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new UserError(`Cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

async function pathKind(file: string): Promise<string> {
  try {
    const stats = await lstat(file);
    if (stats.isFile()) return 'file';
    if (stats.isDirectory()) return 'a directory';
    if (stats.isSymbolicLink()) return 'a symbolic link';
    if (stats.isFIFO()) return 'a named pipe';
    if (stats.isSocket()) return 'a socket';
    return 'a device';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new UserError(`Cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}
