// Who is signed in on this phone, and which database is theirs. Each user has a database
// of their own (`rounds:<employee_no>`), so a shared phone keeps one outbox per user and
// never pushes one user's ops under another's token (PROTOCOL.md, "Ops"). The last user is
// remembered in localStorage so the app opens offline, straight into their data; the
// device id is chosen once per installation and sent at every login.
import { connect } from '../db/connection.js';
import { done, settle } from '../db/schema.js';
import { RENUMBER_STORES, renumber } from './incarnation.js';
import { readMeta } from './outbox.js';

export const LAST_USER_KEY = 'rounds:last_user';
export const DEVICE_KEY = 'rounds:device_id';

/**
 * @typedef {{id: string, employee_no: string, name: string, roles: string[], team_id: string | null,
 *   contractor_id?: string | null, department_id: string | null, site_ids: string[]}} User
 * @typedef {{access_token: string, refresh_token: string, device_id: string, user: User,
 *   expires_in?: number}} TokenPair
 */

/** @param {string} employeeNo */
export const dbName = (employeeNo) => `rounds:${employeeNo}`;

/**
 * @param {Storage | null | undefined} storage
 * @returns {string | null}
 */
export function lastUser(storage) {
  try { return storage?.getItem(LAST_USER_KEY) ?? null; } catch { return null; }
}

/**
 * @param {Storage | null | undefined} storage
 * @param {string | null} employeeNo
 */
export function rememberUser(storage, employeeNo) {
  try {
    if (employeeNo) storage?.setItem(LAST_USER_KEY, employeeNo);
    else storage?.removeItem(LAST_USER_KEY);
  } catch { /* private mode: the app asks for a sign-in next time */ }
}

/**
 * This installation's device id (a UUID), made on first use.
 * @param {Storage | null | undefined} storage
 * @param {string | null} [fallback] one found in a database, if storage lost it
 * @returns {string}
 */
export function deviceIdOf(storage, fallback = null) {
  let id = null;
  try { id = storage?.getItem(DEVICE_KEY) ?? null; } catch { /* none */ }
  if (!id) {
    id = fallback ?? globalThis.crypto.randomUUID();
    try { storage?.setItem(DEVICE_KEY, id); } catch { /* kept in the databases' meta */ }
  }
  return id;
}

/**
 * Where the api finds the pair: the user's meta store.
 * @param {IDBDatabase} db
 * @returns {import('./api.js').TokenStore}
 */
export function tokenStore(db) {
  return {
    async read() {
      const store = db.transaction('meta', 'readonly').objectStore('meta');
      const [access, refresh] = await Promise.all([settle(store.get('access_token')), settle(store.get('refresh_token'))]);
      return { access_token: access ?? null, refresh_token: refresh ?? null };
    },
    async write(pair) {
      const tx = db.transaction('meta', 'readwrite');
      tx.objectStore('meta').put(pair.access_token, 'access_token');
      tx.objectStore('meta').put(pair.refresh_token, 'refresh_token');
      await done(tx);
    },
  };
}

/**
 * Keep a fresh login in the user's database, in one transaction. When the database was
 * filled under another device id (this browser's id was lost), its stream cannot go on
 * under the new one: the queued ops start a new incarnation in that same transaction.
 * @param {IDBDatabase} db
 * @param {TokenPair} pair
 */
export async function adopt(db, pair) {
  const tx = db.transaction([...RENUMBER_STORES], 'readwrite');
  const committed = done(tx);
  const meta = tx.objectStore('meta');
  try {
    const known = await settle(meta.get('device_id'));
    if (known && known !== pair.device_id) await renumber(tx, { reason: 'device_changed' });
    meta.put(pair.device_id, 'device_id');
    meta.put(pair.user, 'user');
    meta.put(pair.access_token, 'access_token');
    meta.put(pair.refresh_token, 'refresh_token');
    await committed;
  } catch (error) {
    try { tx.abort(); } catch { /* already finished */ }
    await committed.catch(() => {});
    throw error;
  }
}

/**
 * Sign in online: POST /api/v1/auth/login with this device, then open the user's database.
 * @param {object} options
 * @param {import('./api.js').Api} options.api an api without tokens (login is public)
 * @param {string} options.employeeNo
 * @param {string} options.password
 * @param {string} options.deviceId
 * @param {string} [options.deviceName]
 * @param {IDBFactory} [options.indexedDB]
 * @returns {Promise<{db: import('../db/connection.js').Connection, pair: TokenPair}>}
 */
export async function signIn({ api, employeeNo, password, deviceId, deviceName = '', indexedDB = globalThis.indexedDB }) {
  const login = (/** @type {string} */ device) => api.request('POST', '/api/v1/auth/login', {
    auth: false,
    json: { employee_no: employeeNo.trim(), password, device_id: device, device_name: deviceName.slice(0, 120) },
  });
  /** @type {TokenPair} */
  const pair = await login(deviceId);
  const db = await connect(dbName(pair.user.employee_no), indexedDB);
  try {
    await adopt(db, pair);
    return { db, pair };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Open the remembered user's database, offline; null when nobody signed in here.
 * @param {Storage | null | undefined} storage
 * @param {IDBFactory} [indexedDB]
 * @returns {Promise<{db: import('../db/connection.js').Connection, user: User} | null>}
 */
export async function resume(storage, indexedDB = globalThis.indexedDB) {
  const employeeNo = lastUser(storage);
  if (!employeeNo) return null;
  const db = await connect(dbName(employeeNo), indexedDB);
  const user = /** @type {User | null} */ (await readMeta(db, 'user'));
  if (!user) {
    // The browser cleared the databases but not localStorage: nothing to resume, and the
    // empty database just created would only be in the way.
    db.close();
    indexedDB.deleteDatabase(dbName(employeeNo));
    rememberUser(storage, null);
    return null;
  }
  return { db, user };
}

/**
 * End the session on this phone: the server revokes the tokens (when reachable), the
 * database keeps the data and the outbox for the user's next sign-in.
 * @param {IDBDatabase} db
 * @param {import('./api.js').Api} api
 */
export async function endSession(db, api) {
  try {
    await api.request('POST', '/api/v1/auth/logout', { timeoutMs: 5_000 });
  } catch { /* offline or already revoked: the tokens are dropped here anyway */ }
  await tokenStore(db).write({ access_token: null, refresh_token: null });
}
