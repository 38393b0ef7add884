/** `/v1/conversations/{conversationId}` → `/v1/conversations/:conversationId` (Fastify's syntax). */
export function toFastifyPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

function pattern(path: string): RegExp {
  const source = path
    .split(/\{[A-Za-z0-9_]+\}/)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}$`);
}

/**
 * Which methods each registered path answers, to tell "no such route" (404) from "this path,
 * another method" (405 with an Allow header).
 */
export class MethodIndex {
  private readonly paths = new Map<string, { re: RegExp; methods: Set<string> }>();

  /** `path` in the route table's `{param}` syntax. */
  add(method: string, path: string): void {
    let entry = this.paths.get(path);
    if (!entry) this.paths.set(path, (entry = { re: pattern(path), methods: new Set() }));
    entry.methods.add(method);
    if (method === 'GET') entry.methods.add('HEAD');
  }

  /** The methods allowed on a URL path (no query string), sorted; empty when no route has that path. */
  allowed(urlPath: string): string[] {
    const out = new Set<string>();
    for (const { re, methods } of this.paths.values()) {
      if (re.test(urlPath)) for (const m of methods) out.add(m);
    }
    return [...out].sort();
  }
}
