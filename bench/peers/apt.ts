// Debian packages for the peers: installed with apt when missing, without starting their system
// services (a temporary /usr/sbin/policy-rc.d that exits 101, unless one is already there).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

const POLICY_RC_D = '/usr/sbin/policy-rc.d';
let updated = false;

/** The installed version of a Debian package, or null when it is not installed. */
export function installedVersion(pkg: string): string | null {
  const r = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status} ${Version}', pkg], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const [status, version] = r.stdout.trim().split(' ');
  return status === 'installed' && version ? version : null;
}

/** Installs the packages that are missing (apt-get update once per process) and returns the version of the first. */
export function ensurePackages(pkgs: string[], log: (line: string) => void): string {
  const missing = pkgs.filter((p) => installedVersion(p) === null);
  if (missing.length > 0) {
    log(`apt: installing ${missing.join(' ')}`);
    const ownPolicy = !existsSync(POLICY_RC_D);
    if (ownPolicy) writeFileSync(POLICY_RC_D, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      if (!updated) {
        execFileSync('apt-get', ['update'], { stdio: 'ignore', env });
        updated = true;
      }
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'ignore', env });
    } finally {
      if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
    }
  }
  const version = installedVersion(pkgs[0]!);
  if (version === null) throw new Error(`apt: ${pkgs[0]} is still not installed`);
  return version;
}
