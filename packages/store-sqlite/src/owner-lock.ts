import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * One process per database file. The writer keeps each conversation's last seq and the store's
 * version in memory, so a second process writing the same file would hand out the same seqs;
 * and `ottr admin export` of a file a node still writes would miss what comes after it. The
 * owner writes its pid to `<file>.lock`, created exclusively; another process finds it and is
 * refused while that pid lives. A lock left by a process that died (kill -9, power loss) is
 * taken over.
 */
export class DatabaseInUseError extends Error {
  override readonly name = 'DatabaseInUseError';
  constructor(
    readonly file: string,
    readonly pid: number,
  ) {
    super(`${file} is in use by another ottr process (pid ${pid}); stop it first — one process per SQLite database`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of `file` for this process; returns its release. Throws DatabaseInUseError. */
export function lockDatabase(file: string): () => void {
  const lock = `${file}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      let held = true;
      return () => {
        if (held) rmSync(lock, { force: true });
        held = false;
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(readFileSync(lock, 'utf8').trim(), 10);
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) throw new DatabaseInUseError(file, owner);
    // Its owner is gone: remove the stale lock and try again (another process may win the race).
    rmSync(lock, { force: true });
  }
  throw new Error(`could not take the lock ${lock}`);
}
