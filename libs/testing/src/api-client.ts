export interface ApiResponse<T = any> {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, the text otherwise, undefined when empty. */
  body: T;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** Send this string as the body as-is (for malformed-JSON and content-type tests). */
  raw?: string;
}

/** A small HTTP client over Node's fetch that never throws on a status: tests assert on it. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    /** Sent as `Authorization: Bearer <key>`; none when undefined. */
    readonly key?: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  /** The same client with another key (undefined: anonymous). */
  withKey(key: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, key, this.defaultHeaders);
  }

  withHeaders(headers: Record<string, string>): ApiClient {
    return new ApiClient(this.baseUrl, this.key, { ...this.defaultHeaders, ...headers });
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, undefined, options);
  }
  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, undefined, options);
  }
  post<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('POST', path, body, options);
  }
  put<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PUT', path, body, options);
  }
  patch<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PATCH', path, body, options);
  }

  async request<T = any>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json', ...this.defaultHeaders };
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    let payload: string | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, options.headers);
    const res = await fetch(url, { method, headers, body: payload });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    let parsed: unknown = text.length ? text : undefined;
    if (text.length && /[/+]json\b/.test(type)) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text: the test shows what came back
      }
    }
    return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed as T };
  }
}

/** Throws with the whole response when the status is not the expected one, for setup steps in tests. */
export function expectStatus<T>(res: ApiResponse<T>, status: number, what: string): ApiResponse<T> {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}
