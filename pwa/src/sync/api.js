// The one way the field app talks HTTP to the server: base URL, bearer token, one refresh
// on 401, and failures as ApiError (offline, or an HTTP status with the problem document's
// stable `code`, docs/errors.md). Rotating refresh tokens make a refresh dangerous to run
// twice (a spent token presented again revokes the whole login, PROTOCOL.md "Transport"),
// so refreshes are single-flight in a tab and serialised across tabs by a Web Lock, and
// each re-reads the stored pair first: another tab may have refreshed already.

export class ApiError extends Error {
  /**
   * @param {{kind: 'offline' | 'http', status?: number, code: string, message: string,
   *   retryAfter?: number | null, problem?: Record<string, any> | null}} fields
   */
  constructor({ kind, status = 0, code, message, retryAfter = null, problem = null }) {
    super(message);
    this.name = 'ApiError';
    /** 'offline': no answer (no network, timeout); 'http': the server answered an error */
    this.kind = kind;
    this.offline = kind === 'offline';
    this.status = status;
    this.code = code;
    /** seconds, from Retry-After */
    this.retryAfter = retryAfter;
    this.problem = problem;
  }

  /** The sign-in is gone (refresh refused or reused): the user must sign in again. */
  get signedOut() {
    return ['refresh_rejected', 'refresh_reused', 'signed_out'].includes(this.code);
  }

  toJSON() {
    return { kind: this.kind, status: this.status, code: this.code, message: this.message, retryAfter: this.retryAfter };
  }
}

/**
 * @param {Response} response
 * @returns {number | null}
 */
function retryAfterOf(response) {
  const value = response.headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - Date.now()) / 1000));
}

/**
 * The error a failed response stands for, from its problem document when it has one.
 * @param {Response} response
 * @returns {Promise<ApiError>}
 */
export async function errorOf(response) {
  /** @type {Record<string, any> | null} */
  let problem = null;
  try {
    const text = await response.text();
    problem = text ? JSON.parse(text) : null;
  } catch { /* not JSON: a proxy's page */ }
  return new ApiError({
    kind: 'http',
    status: response.status,
    code: typeof problem?.code === 'string' ? problem.code : `http_${response.status}`,
    message: problem?.detail ?? problem?.title ?? (response.statusText || `HTTP ${response.status}`),
    retryAfter: retryAfterOf(response),
    problem,
  });
}

/**
 * @param {unknown} error
 * @returns {ApiError}
 */
function offline(error) {
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  return new ApiError({
    kind: 'offline',
    code: timedOut ? 'timeout' : 'offline',
    message: timedOut ? 'The server did not answer in time.' : 'No connection to the server.',
  });
}

/**
 * @typedef {object} TokenStore where the pair lives (the user's meta store)
 * @property {() => Promise<{access_token?: string | null, refresh_token?: string | null}>} read
 * @property {(pair: {access_token: string | null, refresh_token: string | null}) => Promise<void>} write
 */
/**
 * @typedef {object} RequestOptions
 * @property {unknown} [json] a body sent as JSON
 * @property {BodyInit} [body] a raw body
 * @property {Record<string, string>} [headers]
 * @property {boolean} [auth] send the bearer token (default true)
 * @property {boolean} [raw] return the Response whatever its status (but 401 is still
 *   refreshed once); default: parse JSON and throw ApiError on failure
 * @property {number} [timeoutMs]
 */

/**
 * @param {object} options
 * @param {TokenStore} [options.tokens]
 * @param {typeof fetch} [options.fetch]
 * @param {string} [options.baseUrl] default: the page's origin
 * @param {LockManager | null} [options.locks] serialises refreshes across tabs
 * @param {string} [options.lockName]
 * @param {(error: ApiError) => void} [options.onSignedOut] the refresh was refused
 * @param {number} [options.timeoutMs]
 */
export function createApi({
  tokens,
  fetch: fetchImpl = globalThis.fetch?.bind(globalThis),
  baseUrl = globalThis.location?.origin ?? '',
  locks = globalThis.navigator?.locks ?? null,
  lockName = 'rounds-refresh',
  onSignedOut = () => {},
  timeoutMs = 30_000,
} = {}) {
  /** @type {Promise<string | null> | null} */
  let refreshing = null;

  /**
   * @param {string} method
   * @param {string} path
   * @param {RequestOptions} options
   * @param {string | null | undefined} token
   */
  async function send(method, path, options, token) {
    const headers = { Accept: 'application/json, application/problem+json', ...options.headers };
    let { body } = options;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['Content-Type'] = 'application/json';
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    const timeout = options.timeoutMs ?? timeoutMs;
    try {
      return await fetchImpl(baseUrl + path, {
        method,
        headers,
        body,
        signal: timeout && typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeout) : undefined,
      });
    } catch (error) {
      throw offline(error);
    }
  }

  /**
   * Spend the stored refresh token for a new pair, once, whoever asks.
   * @param {string | null | undefined} used the access token the 401 answered
   * @returns {Promise<string | null>} the access token to retry with
   */
  function refresh(used) {
    if (!refreshing) {
      const run = async () => {
        const current = await tokens?.read();
        if (!current?.refresh_token) {
          throw new ApiError({ kind: 'http', status: 401, code: 'signed_out', message: 'Sign in again.' });
        }
        // Another tab (or an earlier refresh here) already rotated the pair: use it.
        if (current.access_token && current.access_token !== used) return current.access_token;
        const response = await send('POST', '/api/v1/auth/refresh', { json: { refresh_token: current.refresh_token } }, null);
        if (!response.ok) {
          const error = await errorOf(response);
          if (response.status === 401) {
            // The login is over; the outbox stays (PROTOCOL.md), only the tokens go.
            await tokens?.write({ access_token: null, refresh_token: null });
            onSignedOut(error);
          }
          throw error;
        }
        const pair = await response.json();
        // Stored before use: the old refresh token is spent now.
        await tokens?.write({ access_token: pair.access_token, refresh_token: pair.refresh_token });
        return pair.access_token;
      };
      const locked = locks ? locks.request(lockName, run) : run();
      refreshing = locked.finally(() => { refreshing = null; });
    }
    return refreshing;
  }

  /**
   * @param {string} method
   * @param {string} path under the origin, e.g. /api/v1/sync/pull?limit=500
   * @param {RequestOptions} [options]
   * @returns {Promise<any>} the parsed JSON (null when empty), or the Response with raw
   */
  async function request(method, path, options = {}) {
    const auth = options.auth ?? true;
    const token = auth ? (await tokens?.read())?.access_token : null;
    let response = await send(method, path, options, token);
    if (response.status === 401 && auth) {
      response = await send(method, path, options, await refresh(token));
    }
    if (options.raw) return response;
    if (!response.ok) throw await errorOf(response);
    if (response.status === 204 || method === 'HEAD') return null;
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  return {
    request,
    /** @param {string} path */
    get: (path) => request('GET', path),
    /** @param {string} path @param {unknown} json */
    post: (path, json) => request('POST', path, { json }),
    refresh,
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */
