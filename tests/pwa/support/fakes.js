// Fakes of the browser APIs the sync modules take by injection: a Web Locks manager and a
// BroadcastChannel hub shared by several "tabs" of one test, a Storage, and an event target.

/** A LockManager: exclusive locks granted in request order, with AbortSignal support. */
export class FakeLocks {
  constructor() {
    /** @type {Map<string, {held: boolean, queue: any[]}>} */
    this.locks = new Map();
  }

  request(name, optionsOrCallback, maybeCallback) {
    const [options, callback] = typeof optionsOrCallback === 'function' ? [{}, optionsOrCallback] : [optionsOrCallback, maybeCallback];
    const lock = this.locks.get(name) ?? { held: false, queue: [] };
    this.locks.set(name, lock);
    return new Promise((resolve, reject) => {
      if (options.ifAvailable && lock.held) {
        Promise.resolve(callback(null)).then(resolve, reject);
        return;
      }
      const entry = { callback, resolve, reject };
      lock.queue.push(entry);
      options.signal?.addEventListener('abort', () => {
        const at = lock.queue.indexOf(entry);
        if (at >= 0) {
          lock.queue.splice(at, 1);
          reject(new DOMException('The request was aborted.', 'AbortError'));
        }
      });
      this.pump(name);
    });
  }

  pump(name) {
    const lock = this.locks.get(name);
    if (lock.held || lock.queue.length === 0) return;
    const entry = lock.queue.shift();
    lock.held = true;
    Promise.resolve()
      .then(() => entry.callback({ name, mode: 'exclusive' }))
      .then(entry.resolve, entry.reject)
      .finally(() => {
        lock.held = false;
        this.pump(name);
      });
  }
}

/** BroadcastChannels of one browser: a message reaches every other channel of the name. */
export function channelHub() {
  const open = new Set();
  return (name) => {
    const channel = {
      name,
      onmessage: null,
      postMessage(data) {
        const copy = structuredClone(data);
        for (const other of open) {
          if (other !== channel && other.name === name) setTimeout(() => other.onmessage?.({ data: copy }), 0);
        }
      },
      close() {
        open.delete(channel);
      },
    };
    open.add(channel);
    return channel;
  };
}

/** localStorage. */
export class MemoryStorage {
  constructor() { this.map = new Map(); }
  getItem(key) { return this.map.has(key) ? this.map.get(key) : null; }
  setItem(key, value) { this.map.set(key, String(value)); }
  removeItem(key) { this.map.delete(key); }
}

/** Timers a test advances by hand. */
export class ManualTimers {
  constructor() {
    this.now = 1_800_000_000_000;
    this.timers = new Map();
    this.next = 1;
    this.setTimeout = (fn, ms) => { const id = this.next++; this.timers.set(id, { fn, at: this.now + ms }); return id; };
    this.clearTimeout = (id) => { this.timers.delete(id); };
    this.setInterval = (fn, ms) => { const id = this.next++; this.timers.set(id, { fn, at: this.now + ms, every: ms }); return id; };
    this.clearInterval = this.clearTimeout;
  }

  /** The delays of the timers waiting, soonest first. */
  pending() {
    return [...this.timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  advance(ms) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.now = timer.at;
      if (timer.every) timer.at += timer.every;
      else this.timers.delete(id);
      timer.fn();
    }
    this.now = until;
  }
}
