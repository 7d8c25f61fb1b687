// Sending the outbox from the service worker (module worker only, pwa/sw-module.js): a
// Background Sync fired and no window of the app is open, so nobody else will. For each
// user's database on this phone (`rounds:<employee_no>`) with ops waiting and a sign-in,
// the worker takes that user's sync lock, as a leading tab would (src/sync/leader.js): a
// window holding it syncs itself and is left alone. Then one sync with the app's own
// engine (push, uploads, pull for the acks, inbox) and that user's own tokens: one
// user's ops never go under another's token. A sync that failed rejects, and the browser
// tries again later.
import { connect } from '../db/connection.js';
import { createApi } from '../sync/api.js';
import { createEngine } from '../sync/engine.js';
import { countPending, readMeta } from '../sync/outbox.js';
import { tokenStore } from '../sync/session.js';

const PREFIX = 'rounds:';

/**
 * @typedef {{employeeNo: string, ok: boolean, skipped?: string, error?: unknown}} UserSync
 * @typedef {{indexedDB?: IDBFactory, fetch?: typeof fetch, locks?: LockManager | null,
 *   origin?: string}} WorkerEnv
 */

/**
 * One user's sync, under their lock if nobody holds it.
 * @param {string} employeeNo
 * @param {Required<WorkerEnv>} env
 * @returns {Promise<UserSync>}
 */
async function syncUser(employeeNo, env) {
  const run = async (/** @type {Lock | null | {}} */ lock) => {
    if (lock === null) return { employeeNo, ok: true, skipped: 'a window of the app syncs' };
    const db = await connect(`${PREFIX}${employeeNo}`, env.indexedDB);
    try {
      const signedIn = Boolean(await readMeta(db, 'refresh_token')) && Boolean(await readMeta(db, 'user'));
      if (!signedIn) return { employeeNo, ok: true, skipped: 'signed out' };
      if ((await countPending(db)) === 0) return { employeeNo, ok: true, skipped: 'nothing queued' };
      const api = createApi({
        tokens: tokenStore(db),
        fetch: env.fetch,
        baseUrl: env.origin,
        locks: env.locks,
        lockName: `rounds-refresh:${employeeNo}`,
      });
      const engine = createEngine({ db, api, env: { window: null, document: null } });
      const outcome = await engine.sync('background');
      await engine.stop(); // no retry timer in a worker that may stop any time
      return { employeeNo, ok: outcome.ok, error: outcome.error };
    } finally {
      db.close();
    }
  };
  return env.locks ? env.locks.request(`rounds-sync:${employeeNo}`, { ifAvailable: true }, run) : run({});
}

/**
 * Sync every signed-in user's outbox on this phone; rejects when one failed.
 * @param {WorkerEnv} [options]
 * @returns {Promise<UserSync[]>}
 */
export async function syncWithoutWindow(options = {}) {
  const env = {
    indexedDB: options.indexedDB ?? globalThis.indexedDB,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    locks: options.locks !== undefined ? options.locks : (globalThis.navigator?.locks ?? null),
    origin: options.origin ?? globalThis.location.origin,
  };
  const listed = typeof env.indexedDB.databases === 'function' ? await env.indexedDB.databases() : [];
  const users = listed.map((info) => info.name ?? '').filter((name) => name.startsWith(PREFIX)).map((name) => name.slice(PREFIX.length));
  const outcomes = [];
  for (const employeeNo of users) outcomes.push(await syncUser(employeeNo, env));
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (failed.length > 0) {
    throw new Error(`the outbox of ${failed.map((outcome) => outcome.employeeNo).join(', ')} could not be sent`);
  }
  return outcomes;
}
