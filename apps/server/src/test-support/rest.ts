/** A small REST client for tests: JSON in, JSON out, status kept. */
export interface RestResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export function rest(baseUrl: string, token?: string) {
  return async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<RestResponse<T>> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
  };
}
