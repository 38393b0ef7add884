// What index.ts needs from each peer: its Debian packages, and a config written into a temp
// dir that makes it listen on one loopback port, persist no messages and limit no traffic.

export interface PeerLaunch {
  argv: string[];
  env: NodeJS.ProcessEnv;
}

export interface PeerServer {
  /** Debian packages; the version reported is the first one's. */
  packages: string[];
  /** Writes the config into `dir` (empty, private to this run) and says how to start the server. */
  configure(dir: string, port: number, domain: string): PeerLaunch;
  /** What the config does, for the report: persistence, limits, auth, transport. */
  notes: string[];
}
