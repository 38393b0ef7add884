// ejabberd from Debian, started as a plain Erlang VM (no ejabberdctl) with a config of our own:
// no distribution (no node name, so no epmd and no cookie), HOME in the run's temp dir, Mnesia
// in the temp dir, c2s on one loopback port with no shaper, no offline storage, no MAM,
// in-band registration without the per-IP registration timeout.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PeerServer } from './peer.js';
import { OPEN_FILES } from './proc.js';

export const ejabberd: PeerServer = {
  packages: ['ejabberd'],
  notes: [
    'ejabberd: Debian package, started as `erl -noinput -s ejabberd` without a node name (no Erlang distribution, no epmd), +P 1000000, ERL_MAX_PORTS 65536; one ejabberd_c2s listener on 127.0.0.1 with backlog 1024 (the default 5 makes concurrent logins wait for SYN retransmits)',
    'ejabberd: shaper none on the listener and c2s_shaper/s2s_shaper none (no traffic shaping), max_fsm_queue left at its default; registration_timeout infinity and mod_register ip_access all (no registration throttle)',
    'ejabberd: modules loaded: mod_register and mod_disco only; no mod_offline, mod_mam, mod_carbons, mod_stream_mgmt, mod_roster',
    'ejabberd: persists only accounts (Mnesia disc table in the run\'s temp dir, auth_password_format plain); messages are relayed in memory and never written',
    'ejabberd: SASL PLAIN over plain TCP on loopback, no TLS (starttls not offered, no certfiles)',
  ],
  configure(dir, port, domain) {
    const spool = path.join(dir, 'mnesia');
    mkdirSync(spool, { recursive: true });
    const config = `# written by bench/peers for one benchmark run
hosts:
  - ${JSON.stringify(domain)}
loglevel: warning
log_rotate_count: 0
hide_sensitive_log_data: true
default_db: mnesia
auth_method: internal
auth_password_format: plain
registration_timeout: infinity
acme:
  auto: false
listen:
  -
    port: ${port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    shaper: none
    backlog: 1024
    access: all
    starttls: false
    starttls_required: false
    max_stanza_size: 262144
access_rules:
  register:
    allow: all
  c2s:
    allow: all
shaper_rules:
  c2s_shaper: none
  s2s_shaper: none
  max_user_sessions: 10
modules:
  mod_disco: {}
  mod_register:
    access: register
    ip_access: all
    password_strength: 0
`;
    const file = path.join(dir, 'ejabberd.yml');
    writeFileSync(file, config);
    return {
      argv: [
        'erl',
        '-noinput',
        '-noshell',
        '+P',
        '1000000',
        '-env',
        'ERL_CRASH_DUMP_BYTES',
        '0',
        '-mnesia',
        'dir',
        JSON.stringify(spool),
        '-s',
        'ejabberd',
      ],
      env: {
        ...process.env,
        HOME: dir,
        EJABBERD_CONFIG_PATH: file,
        EJABBERD_LOG_PATH: path.join(dir, 'ejabberd.log'),
        ERL_LIBS: '/usr/lib/x86_64-linux-gnu',
        ERL_INETRC: '/etc/ejabberd/inetrc',
        ERL_MAX_PORTS: String(OPEN_FILES),
        ERL_MAX_ETS_TABLES: '1400',
        ERL_CRASH_DUMP: path.join(dir, 'erl_crash.dump'),
        CONTRIB_MODULES_PATH: path.join(dir, 'contrib'),
      },
    };
  },
};
