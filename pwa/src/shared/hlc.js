// Hybrid logical clocks (sync/PROTOCOL.md, "Ops"; mirrors sync/hlc.py). A stamp is wall
// milliseconds, a counter and the node (device id), written `WWWWWWWWWWWWW:CCCC:node` so
// that comparing two strings compares the clocks. Pure: window and service worker.
import { compareCodePoints } from './canonical.js';

export const WALL_DIGITS = 13;
export const COUNTER_DIGITS = 4;
export const MAX_COUNTER = 10 ** COUNTER_DIGITS - 1;

export class Timestamp {
  /**
   * @param {number} wallMs
   * @param {number} counter
   * @param {string} node
   */
  constructor(wallMs, counter, node) {
    this.wallMs = wallMs;
    this.counter = counter;
    this.node = node;
    Object.freeze(this);
  }

  toString() {
    const wall = String(this.wallMs).padStart(WALL_DIGITS, '0');
    return `${wall}:${String(this.counter).padStart(COUNTER_DIGITS, '0')}:${this.node}`;
  }

  toJSON() {
    return this.toString();
  }

  /**
   * Read the string form; anything else is a RangeError naming the problem.
   * @param {string} text
   * @returns {Timestamp}
   */
  static parse(text) {
    const match = /^(\d{13}):(\d{4}):([\s\S]+)$/.exec(text);
    if (!match) throw new RangeError(`not a hybrid logical clock timestamp: ${JSON.stringify(text)}`);
    return new Timestamp(Number(match[1]), Number(match[2]), match[3]);
  }
}

/**
 * Clock order: wall, then counter, then node (by code point).
 * @param {Timestamp} a
 * @param {Timestamp} b
 * @returns {number} negative, zero or positive
 */
export function compare(a, b) {
  return (a.wallMs - b.wallMs) || (a.counter - b.counter) || compareCodePoints(a.node, b.node);
}

/** The clock of one node. One per device; the outbox keeps its last stamp in `meta`. */
export class HybridClock {
  /**
   * @param {string} node
   * @param {Timestamp | null} [last]
   */
  constructor(node, last = null) {
    this.node = node;
    /** @type {Timestamp} */
    this.last = last ?? new Timestamp(0, 0, node);
  }

  /**
   * A stamp for a local event.
   * @param {number} [nowMs]
   * @returns {Timestamp}
   */
  tick(nowMs = Date.now()) {
    return this.#advance(this.last.wallMs, nowMs, null);
  }

  /**
   * A stamp after a remote one: merging keeps causality even with a slow clock.
   * @param {Timestamp} remote
   * @param {number} [nowMs]
   * @returns {Timestamp}
   */
  receive(remote, nowMs = Date.now()) {
    return this.#advance(Math.max(this.last.wallMs, remote.wallMs), nowMs, remote);
  }

  /**
   * @param {number} seenMs
   * @param {number} nowMs
   * @param {Timestamp | null} remote
   * @returns {Timestamp}
   */
  #advance(seenMs, nowMs, remote) {
    let stamp;
    if (nowMs > seenMs) {
      stamp = new Timestamp(nowMs, 0, this.node);
    } else {
      const counters = [this.last.wallMs === seenMs ? this.last.counter : -1];
      if (remote !== null && remote.wallMs === seenMs) counters.push(remote.counter);
      const counter = Math.max(...counters) + 1;
      if (counter > MAX_COUNTER) throw new RangeError('too many events in one millisecond for the clock');
      stamp = new Timestamp(seenMs, counter, this.node);
    }
    this.last = stamp;
    return stamp;
  }
}
