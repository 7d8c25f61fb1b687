// One sync leader per browser and user: the tab holding the Web Lock pushes and pulls, the
// others read the same IndexedDB and hear about changes on the BroadcastChannel 'rounds'.
// One writer keeps a phone from pushing the same batch from three tabs, and above all
// from spending one rotating refresh token twice (which signs the user out everywhere).
// The lock is held for the tab's life; when the tab closes the browser hands it to the
// next tab waiting in line, so a follower becomes leader without any timeout.

/**
 * @typedef {object} Leadership
 * @property {() => boolean} isLeader
 * @property {Promise<void>} elected resolves when this tab becomes leader
 * @property {() => void} release give the lead up (sign-out, switching user)
 */

/**
 * @param {object} options
 * @param {string} options.name the lock's name
 * @param {(leader: boolean) => void} [options.onChange]
 * @param {LockManager | null} [options.locks] default navigator.locks
 * @param {Storage | null} [options.storage] for the fallback lease, default localStorage
 * @param {{setInterval: typeof setInterval, clearInterval: typeof clearInterval, now: () => number}} [options.timers]
 * @returns {Leadership}
 */
export function electLeader({
  name,
  onChange = () => {},
  locks = globalThis.navigator?.locks ?? null,
  storage = globalThis.localStorage ?? null,
  timers = { setInterval: globalThis.setInterval.bind(globalThis), clearInterval: globalThis.clearInterval.bind(globalThis), now: Date.now },
}) {
  let leader = false;
  let released = false;
  /** @type {() => void} */
  let resolveElected = () => {};
  const elected = new Promise((resolve) => { resolveElected = () => resolve(undefined); });
  const become = (/** @type {boolean} */ value) => {
    if (value === leader || (value && released)) return;
    leader = value;
    if (value) resolveElected();
    onChange(value);
  };

  if (locks) {
    const abort = new AbortController();
    /** @type {() => void} */
    let letGo = () => {};
    const held = new Promise((resolve) => { letGo = () => resolve(undefined); });
    locks.request(name, { signal: abort.signal }, async () => {
      if (released) return;
      become(true);
      await held; // held until release() or the tab goes away
    }).catch(() => { /* aborted while waiting in line */ });
    return {
      isLeader: () => leader,
      elected,
      release() {
        if (released) return;
        released = true;
        become(false);
        letGo();
        abort.abort();
      },
    };
  }

  if (!storage) {
    // Neither Web Locks nor storage: this tab syncs alone. Pushes are idempotent on the
    // server (duplicate), so a second such tab would cost traffic, not data.
    become(true);
    return { isLeader: () => leader, elected, release() { released = true; become(false); } };
  }

  // Fallback for browsers without Web Locks: a lease in localStorage, renewed every 3 s and
  // taken over once it has not been renewed for 10 s. Two tabs can race for a moment; the
  // read-back after the write settles nearly all of them.
  const key = `${name}:lease`;
  const tab = globalThis.crypto.randomUUID();
  const read = () => {
    try { return JSON.parse(storage.getItem(key) ?? 'null'); } catch { return null; }
  };
  const tick = () => {
    if (released) return;
    const lease = read();
    const now = timers.now();
    if (!lease || lease.tab === tab || lease.until < now) {
      storage.setItem(key, JSON.stringify({ tab, until: now + 10_000 }));
      become(read()?.tab === tab);
    } else {
      become(false);
    }
  };
  const timer = timers.setInterval(tick, 3_000);
  tick();
  return {
    isLeader: () => leader,
    elected,
    release() {
      if (released) return;
      released = true;
      timers.clearInterval(timer);
      if (read()?.tab === tab) storage.removeItem(key);
      become(false);
    },
  };
}

/**
 * The channel between the tabs of one browser ('rounds'); messages carry the database
 * they are about, so tabs of another user ignore them.
 * @param {string} db this tab's database
 * @param {(message: Record<string, any>) => void} onMessage
 * @param {{name?: string, create?: (name: string) => BroadcastChannel | null}} [options]
 */
export function openChannel(db, onMessage, { name = 'rounds', create } = {}) {
  const make = create ?? ((/** @type {string} */ n) => (typeof BroadcastChannel === 'function' ? new BroadcastChannel(n) : null));
  const channel = make(name);
  if (channel) {
    channel.onmessage = (event) => {
      if (event.data && event.data.db === db) onMessage(event.data);
    };
  }
  return {
    /** @param {Record<string, any>} message */
    post(message) {
      channel?.postMessage({ ...message, db });
    },
    close() {
      channel?.close();
    },
  };
}
