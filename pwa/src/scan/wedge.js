// Keyboard-wedge scanners: a hardware scanner that "types" what it reads. It is told apart
// from a person by timing: a scanner sends a burst of printable keys a few milliseconds
// apart, ended by Enter or Tab; people are slower. The timing logic is WedgeDecoder, a pure
// state machine fed (key, timestamp) pairs; attachWedge() is the thin DOM adapter that
// listens on `document`, so a scan lands on any screen without a focused field. Keys typed
// into a text field (an input for text, a text area, an editable element) are never taken
// for a scan, however fast: a quick typist's note must not open another screen.
//
// Keeping a burst out of a focused element: the first key of a burst cannot be told from a
// person's, so it goes through; from the `holdAfter`-th fast key on, keys are held back
// (preventDefault). When the burst turns out to be a scan, the keys that went through are
// taken back out of the input (when the caret is right after them); when it turns out to be
// a person typing fast, the held keys are given back to the input, in order, before the
// next key lands. Keys typed during IME composition, auto-repeat, and Ctrl/Meta shortcuts
// are never held.
import { UNKNOWN, fromAimIdentifier, isGs1Identifier, splitAimPrefix } from './symbology.js';

export const GS = '\x1d';

/**
 * @typedef {object} WedgeOptions
 * @property {number} [maxGapMs] the longest gap between two keys of one burst (50)
 * @property {number} [terminatorGapMs] the longest gap before the ending Enter/Tab (100):
 *   some scanners pause before the suffix
 * @property {number} [minLength] the fewest keys in a burst to count as a scan (4)
 * @property {string[]} [terminators] KeyboardEvent.key values that end a scan (Enter, Tab)
 * @property {string[]} [gsKeys] keys a scanner sends for the GS1 separator: "F8", "Ctrl+]"
 * @property {string | string[] | null} [gsStandIn] text a scanner types for the GS1
 *   separator ("~", "<GS>", ...), turned into ASCII 29; applied unless the AIM prefix says
 *   the code is not GS1. Off by default: "~" is a legal character in a URL.
 * @property {boolean} [aimPrefix] read a leading AIM symbology identifier ("]C1") (true)
 * @property {number} [holdAfter] hold keys back from the focused field from this key of a
 *   fast burst on (2)
 */

/** @type {Required<WedgeOptions>} */
export const WEDGE_DEFAULTS = Object.freeze({
  maxGapMs: 50,
  terminatorGapMs: 100,
  minLength: 4,
  terminators: ['Enter', 'Tab'],
  gsKeys: ['F8', 'Ctrl+]'],
  gsStandIn: null,
  aimPrefix: true,
  holdAfter: 2,
});

const MODIFIER_KEYS = new Set([
  'Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'OS', 'CapsLock', 'NumLock', 'ScrollLock', 'Fn', 'FnLock', 'Hyper', 'Super', 'Symbol',
]);

/**
 * @typedef {object} KeyMods
 * @property {boolean} [ctrl]
 * @property {boolean} [alt]
 * @property {boolean} [meta]
 * @property {boolean} [shift]
 * @property {boolean} [repeat] auto-repeat of a held key
 * @property {boolean} [composing] inside an IME composition
 */

/**
 * @typedef {object} WedgeScan
 * @property {string} text the decoded text: AIM prefix removed, GS1 stand-ins as ASCII 29
 * @property {string} symbology
 * @property {string} symbologyId the AIM identifier, or "" when the scanner sent none
 */

/**
 * @typedef {object} WedgeDecision
 * @property {boolean} hold keep this key away from the page (preventDefault)
 * @property {string} flush held keys that turned out not to be a scan: give them back to
 *   the focused field before this key's own effect
 * @property {WedgeScan | null} scan a complete scan, on its terminator key
 * @property {string} leaked on a scan, its first keys that already reached the page
 */

/** @type {WedgeDecision} */
const PASS = Object.freeze({ hold: false, flush: '', scan: null, leaked: '' });

/**
 * The timing state machine. Feed it every keydown with its timestamp (ms, any monotonic
 * clock: KeyboardEvent.timeStamp); call expire(now) when no key has come for a while.
 */
export class WedgeDecoder {
  /** @param {WedgeOptions} [options] */
  constructor(options = {}) {
    /** @type {Required<WedgeOptions>} */
    this.options = { ...WEDGE_DEFAULTS, ...options };
    /** @type {{ch: string, passed: boolean}[]} */
    this.buffer = [];
    /** @type {number | null} */
    this.lastAt = null;
  }

  /** Keys held back right now (a caller may give them back on its own, e.g. on blur). */
  get held() {
    return this.buffer.filter((k) => !k.passed).map((k) => k.ch).join('');
  }

  /**
   * Drop the burst in progress; returns the held keys to give back.
   * @returns {string}
   */
  reset() {
    const held = this.held;
    this.buffer = [];
    this.lastAt = null;
    return held;
  }

  /**
   * No key since the last one: once the burst can no longer finish, give back what it held.
   * @param {number} now same clock as feed()
   * @returns {string} held keys to give back ('' if none, or if the burst may still finish)
   */
  expire(now) {
    if (this.lastAt === null || now - this.lastAt <= this.options.terminatorGapMs) return '';
    return this.reset();
  }

  /**
   * What one key is to a scan.
   * @param {string} key KeyboardEvent.key
   * @param {KeyMods} mods
   * @returns {{type: 'char', ch: string} | {type: 'end'} | {type: 'ignore'} | {type: 'break'}}
   */
  keyKind(key, mods) {
    if (mods.composing || key === 'Process' || key === 'Unidentified' || key === 'Dead') return { type: 'break' };
    if (MODIFIER_KEYS.has(key)) return { type: 'ignore' };
    if (mods.repeat) return { type: 'break' };
    const ctrl = Boolean(mods.ctrl);
    const altGraph = ctrl && Boolean(mods.alt); // AltGr arrives as Ctrl+Alt on Windows
    const combo = `${ctrl && !altGraph ? 'Ctrl+' : ''}${key}`;
    if (key === GS || this.options.gsKeys.includes(combo) || this.options.gsKeys.includes(key)) {
      return { type: 'char', ch: GS };
    }
    if (this.options.terminators.includes(key)) {
      return ctrl || mods.alt || mods.meta || mods.shift ? { type: 'break' } : { type: 'end' };
    }
    if ([...key].length === 1 && key >= ' ' && !mods.meta && (!ctrl || altGraph)) return { type: 'char', ch: key };
    return { type: 'break' };
  }

  /**
   * One keydown.
   * @param {string} key KeyboardEvent.key
   * @param {number} at KeyboardEvent.timeStamp (ms)
   * @param {KeyMods} [mods]
   * @returns {WedgeDecision}
   */
  feed(key, at, mods = {}) {
    const kind = this.keyKind(key, mods);
    if (kind.type === 'ignore') return PASS;
    let flush = '';
    if (this.lastAt !== null) {
      const limit = kind.type === 'end' ? this.options.terminatorGapMs : this.options.maxGapMs;
      if (at - this.lastAt > limit || at < this.lastAt) flush = this.reset();
    }
    if (kind.type === 'break') return { ...PASS, flush: flush + this.reset() };
    if (kind.type === 'end') {
      const burst = this.buffer;
      const scan = burst.length >= this.options.minLength ? this.#scanOf(burst.map((k) => k.ch).join('')) : null;
      if (!scan) return { ...PASS, flush: flush + this.reset() };
      const leaked = burst.filter((k) => k.passed).map((k) => k.ch).join('');
      this.buffer = [];
      this.lastAt = null;
      return { hold: true, flush, scan, leaked };
    }
    const hold = this.buffer.length + 1 >= this.options.holdAfter && this.buffer.length > 0;
    this.buffer.push({ ch: kind.ch, passed: !hold });
    this.lastAt = at;
    return { hold, flush, scan: null, leaked: '' };
  }

  /**
   * @param {string} typed the burst's characters
   * @returns {WedgeScan | null}
   */
  #scanOf(typed) {
    let text = typed;
    let symbologyId = '';
    let symbology = UNKNOWN;
    if (this.options.aimPrefix) {
      const split = splitAimPrefix(typed);
      if (split) {
        ({ symbologyId, text } = split);
        symbology = fromAimIdentifier(symbologyId);
      }
    }
    const standIns = [this.options.gsStandIn ?? []].flat().filter(Boolean);
    if (standIns.length && (!symbologyId || isGs1Identifier(symbologyId))) {
      for (const standIn of standIns) text = text.split(standIn).join(GS);
    }
    return text ? { text, symbology, symbologyId } : null;
  }
}

/**
 * @param {Element | null} el
 * @returns {el is HTMLInputElement | HTMLTextAreaElement}
 */
function isTextField(el) {
  if (!el || !('value' in el) || !('setRangeText' in el)) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA') return true;
  if (tag !== 'INPUT') return false;
  return ['text', 'search', 'url', 'tel', 'email', 'password', 'number', ''].includes(
    /** @type {HTMLInputElement} */ (el).type,
  );
}

/**
 * Type text into the focused field as if keyed (held keys given back).
 * @param {Document} doc
 * @param {string} text
 */
function giveBack(doc, text) {
  const el = doc.activeElement;
  if (!text || !el) return;
  if (isTextField(el)) {
    if (el.readOnly || el.disabled) return;
    try {
      const start = el.selectionStart ?? el.value.length;
      const end = el.selectionEnd ?? start;
      el.setRangeText(text, start, end, 'end');
    } catch {
      el.value += text; // <input type=email/number> have no selection API
    }
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
  } else if (/** @type {HTMLElement} */ (el).isContentEditable) {
    doc.execCommand?.('insertText', false, text);
  }
}

/**
 * Take a scan's first keys back out of the field they were typed into, if they are still
 * right before the caret.
 * @param {Document} doc
 * @param {string} leaked
 */
function takeBack(doc, leaked) {
  const el = doc.activeElement;
  if (!leaked || !isTextField(el) || el.readOnly || el.disabled) return;
  try {
    const caret = el.selectionStart;
    if (caret === null || caret !== el.selectionEnd || caret < leaked.length) return;
    if (el.value.slice(caret - leaked.length, caret) !== leaked) return;
    el.setRangeText('', caret - leaked.length, caret, 'end');
  } catch {
    if (!el.value.endsWith(leaked)) return;
    el.value = el.value.slice(0, -leaked.length);
  }
  el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'deleteContentBackward' }));
}

/**
 * Listen for wedge scans on a document.
 * @param {(scan: WedgeScan) => void} onScan
 * @param {WedgeOptions & {target?: Document}} [options] text fields, and elements inside
 *   `[data-scan-wedge="off"]`, receive a scanner's keys as typing, untouched
 * @returns {() => void} detach
 */
export function attachWedge(onScan, { target = document, ...options } = {}) {
  const decoder = new WedgeDecoder(options);
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  const clock = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

  const schedule = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!decoder.held) return;
    timer = setTimeout(() => {
      timer = null;
      giveBack(target, decoder.expire(clock() + 1));
    }, decoder.options.terminatorGapMs + 5);
  };

  /** @param {KeyboardEvent} event */
  const onKeyDown = (event) => {
    const origin = /** @type {Element | null} */ (event.target);
    if (isTextField(origin) || /** @type {HTMLElement | null} */ (origin)?.isContentEditable || origin?.closest?.('[data-scan-wedge="off"]')) {
      giveBack(target, decoder.reset());
      return;
    }
    const decision = decoder.feed(event.key, event.timeStamp, {
      ctrl: event.ctrlKey,
      alt: event.altKey,
      meta: event.metaKey,
      shift: event.shiftKey,
      repeat: event.repeat,
      composing: event.isComposing || event.keyCode === 229,
    });
    if (decision.flush) giveBack(target, decision.flush);
    if (decision.hold) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
    if (decision.scan) {
      takeBack(target, decision.leaked);
      onScan(decision.scan);
    }
    schedule();
  };
  const onBlur = () => {
    // The window lost focus mid-burst: no more keys will come; give back what was held to
    // the field that still has the caret.
    giveBack(target, decoder.reset());
    schedule();
  };

  target.addEventListener('keydown', onKeyDown, true);
  target.defaultView?.addEventListener('blur', onBlur);
  return () => {
    target.removeEventListener('keydown', onKeyDown, true);
    target.defaultView?.removeEventListener('blur', onBlur);
    if (timer !== null) clearTimeout(timer);
    giveBack(target, decoder.reset());
  };
}
