// Prosody from Debian, in the foreground (-F) with a config of our own: c2s on one loopback
// port, no s2s/HTTP, no offline storage, no MAM, no mod_limits, in-band registration open to
// loopback without throttle, plain-text passwords (SASL PLAIN without TLS).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PeerServer } from './peer.js';

export const prosody: PeerServer = {
  packages: ['prosody'],
  notes: [
    'prosody: Debian package, network_backend epoll, tcp_backlog 1024, one c2s port on 127.0.0.1; s2s, HTTP, components off',
    'prosody: modules loaded: the autoloaded core (c2s, message, presence, iq, posix) plus saslauth, register, disco; mod_offline disabled; no mod_mam, mod_carbons, mod_smacks, mod_csi, mod_limits (so no c2s rate limit)',
    'prosody: persists only accounts (storage "internal" = files under the run\'s temp dir, authentication internal_plain); messages are relayed in memory and never written',
    'prosody: in-band registration (XEP-0077) from 127.0.0.1 with no registration throttle; c2s_require_encryption=false, allow_unencrypted_plain_auth=true: SASL PLAIN over plain TCP on loopback, no TLS',
    'prosody: runs as root (run_as_root), log level warn to a file',
  ],
  configure(dir, port, domain) {
    const data = path.join(dir, 'data');
    mkdirSync(data, { recursive: true });
    const lua = (s: string): string => JSON.stringify(s);
    const config = `-- written by bench/peers for one benchmark run
run_as_root = true
pidfile = ${lua(path.join(dir, 'prosody.pid'))}
data_path = ${lua(data)}
log = { { levels = { min = "warn" }, to = "file", filename = ${lua(path.join(dir, 'prosody.log'))} } }
network_backend = "epoll"
network_settings = { tcp_backlog = 1024 }
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_interfaces = { "127.0.0.1" }
c2s_ports = { ${port} }
s2s_ports = { }
http_ports = { }
https_ports = { }
c2s_direct_tls_ports = { }
modules_enabled = { "saslauth", "register", "disco" }
modules_disabled = { "offline", "s2s", "s2s_auth_certs" }
authentication = "internal_plain"
storage = "internal"
c2s_require_encryption = false
s2s_require_encryption = false
allow_unencrypted_plain_auth = true
allow_registration = true
registration_allowlist = { "127.0.0.1", "::1" }
c2s_timeout = 3600
VirtualHost ${lua(domain)}
`;
    const file = path.join(dir, 'prosody.cfg.lua');
    writeFileSync(file, config);
    return {
      argv: ['prosody', '-F', '--config', file],
      env: { ...process.env, HOME: dir },
    };
  },
};
