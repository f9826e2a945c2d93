/**
 * The data directory holds SIP passwords, PIN hashes, the provisioning token and the
 * control socket: it is created mode 0700, and an existing one that others may read
 * or enter is tightened to 0700 when it is ours, or reported when it is not.
 */
import { chmod, mkdir, stat } from 'node:fs/promises';

export type DataDirState =
  | { kind: 'ok' }
  /** It was ours and looser; now 0700. */
  | { kind: 'tightened'; from: number }
  /** Looser than 0700 and owned by another user: left as it is (the caller warns). */
  | { kind: 'loose'; mode: number; uid: number };

/** `0755`-style text of a mode's permission bits. */
export const modeText = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

export async function ensureDataDir(dir: string): Promise<DataDirState> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if ((info.mode & 0o077) === 0) return { kind: 'ok' };
  if (typeof process.getuid === 'function' && info.uid !== process.getuid())
    return { kind: 'loose', mode: info.mode & 0o777, uid: info.uid };
  await chmod(dir, 0o700);
  return { kind: 'tightened', from: info.mode & 0o777 };
}
