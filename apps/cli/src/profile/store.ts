import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { CliError, UsageError } from '../errors.js';

/** The signed-in device of a profile. */
export interface StoredSession {
  accountId: string;
  deviceId: string;
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  /** The phone number or email signed in with, and the name shown to others (for whoami). */
  identifier?: string;
  displayName?: string;
}

/** What `~/.config/ottr/profiles/<name>.json` holds. */
export interface Profile {
  /** The server this profile talks to (its session belongs to it). */
  server?: string;
  session?: StoredSession;
  /** The admin credential stored by `ottr admin login`. */
  adminToken?: string;
  /** Unfinished uploads of the SDK (tus URLs by fingerprint), to resume them. */
  uploads?: Record<string, unknown>;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

/**
 * The base directory: OTTR_CONFIG_DIR, else $XDG_CONFIG_HOME/ottr, else ~/.config/ottr.
 * Profiles live in `<base>/profiles/<name>.json`.
 */
export function configDir(env: Record<string, string | undefined>): string {
  if (env.OTTR_CONFIG_DIR) return path.resolve(env.OTTR_CONFIG_DIR);
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(env.HOME ?? homedir(), '.config');
  return path.join(xdg, 'ottr');
}

export function checkProfileName(name: string): string {
  if (!NAME.test(name)) {
    throw new UsageError(`invalid profile name '${name}': use letters, digits, '.', '_' and '-' (at most 64)`);
  }
  return name;
}

/** Reads and writes one profile file: directory 0700, file 0600, written atomically. */
export class ProfileStore {
  readonly file: string;
  private readonly dir: string;

  constructor(
    readonly base: string,
    readonly name: string,
  ) {
    checkProfileName(name);
    this.dir = path.join(base, 'profiles');
    this.file = path.join(this.dir, `${name}.json`);
  }

  /** The stored profile ({} when there is none yet). */
  async load(): Promise<Profile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new CliError(`cannot read ${this.file}: ${(err as Error).message}`, { code: 'profile_unreadable' });
    }
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
      return value;
    } catch (err) {
      throw new CliError(`profile ${this.file} is not valid JSON (${(err as Error).message})`, {
        code: 'profile_unreadable',
        hint: `delete it and run \`ottr login\` again`,
      });
    }
  }

  /** Replaces the stored profile (tmp file + rename, so a reader never sees half a file). */
  async save(profile: Profile): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.base, 0o700);
    await chmod(this.dir, 0o700);
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(profile, null, 2)}\n`, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(tmp, 0o600);
    await rename(tmp, this.file);
  }

  /** Loads, changes and saves the profile under a lock (other `ottr` processes may share it). */
  async update(change: (p: Profile) => Profile | void): Promise<Profile> {
    return this.withLock(async () => {
      const current = await this.load();
      const next = change(current) ?? current;
      await this.save(next);
      return next;
    });
  }

  /**
   * Runs `fn` while holding `<name>.json.lock` (created exclusively; a lock older than 30 s is
   * taken as left by a crashed process). Serialises token refreshes between processes.
   */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const lock = `${this.file}.lock`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const fh = await open(lock, 'wx', 0o600);
        await fh.close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > 30_000) await rm(lock, { force: true });
        else if (Date.now() > deadline) {
          throw new CliError(`profile '${this.name}' is locked by another ottr process`, { hint: `if none is running, delete ${lock}` });
        } else await new Promise((r) => setTimeout(r, 25));
      }
    }
    try {
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }
}
