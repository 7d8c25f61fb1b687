// A tiny element helper. Text is always set as text nodes and attributes through
// setAttribute, so data can never become markup: there is no innerHTML anywhere in the app.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * @typedef {string | number | Node | null | undefined | false | Child[]} Child
 */

/**
 * @param {Element} el
 * @param {Record<string, unknown> | null | undefined} attrs
 */
function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (key === 'class' && Array.isArray(value)) {
      const names = value.filter(Boolean).join(' ');
      if (names) el.setAttribute('class', names);
    } else if (key === 'style' && typeof value === 'object') {
      for (const [prop, v] of Object.entries(/** @type {object} */ (value))) {
        /** @type {HTMLElement} */ (el).style.setProperty(prop, String(v));
      }
    } else if (key === 'ref' && typeof value === 'function') {
      value(el);
    } else if (key === 'value' && 'value' in el) {
      /** @type {HTMLInputElement} */ (el).value = String(value);
    } else if (key === 'checked' && 'checked' in el) {
      /** @type {HTMLInputElement} */ (el).checked = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

/**
 * @param {Node} parent
 * @param {Child} child
 */
function append(parent, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
  } else if (child instanceof Node) {
    parent.appendChild(child);
  } else {
    parent.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * Create an element: h('button', {class: 'primary', onclick: go}, 'Start').
 * Attribute values are set with setAttribute (never parsed as markup); `on*` functions are
 * listeners; `ref` receives the element; children are nodes or text.
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/**
 * The same for SVG elements (icons, the stepper).
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 * @returns {SVGElement}
 */
export function s(tag, attrs, ...children) {
  const el = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/**
 * Replace an element's children, keeping focus on the element with the same data-key if
 * the focused one is replaced (a re-render after a sync must not throw a user's place).
 * @param {Element} el
 * @param {...Child} children
 */
export function mount(el, ...children) {
  const active = document.activeElement;
  const key = active && el.contains(active) ? active.getAttribute('data-key') : null;
  const fragment = document.createDocumentFragment();
  append(fragment, children);
  el.replaceChildren(fragment);
  if (key) {
    const again = el.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again instanceof HTMLElement) again.focus({ preventScroll: true });
  }
}

/** A small inline icon from a path list (24x24 viewBox), hidden from screen readers. */
export function icon(/** @type {string} */ d, /** @type {string} */ cls = 'icon') {
  return s('svg', { class: cls, viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' },
    s('path', { d }));
}

export const ICONS = {
  inbox: 'M19 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm0 12h-4a3 3 0 0 1-6 0H5V5h14z',
  list: 'M4 5h2v2H4zm4 0h12v2H8zM4 11h2v2H4zm4 0h12v2H8zM4 17h2v2H4zm4 0h12v2H8z',
  report: 'M11 3h2v10h-2zm0 14h2v2h-2zM1 21 12 2l11 19zm3.5-2h15L12 6z',
  settings: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm9 5v-2l-2.2-.4a7 7 0 0 0-.7-1.7l1.3-1.8-1.4-1.4-1.8 1.3a7 7 0 0 0-1.7-.7L14 3h-2l-.4 2.2a7 7 0 0 0-1.7.7L8.1 4.6 6.7 6l1.3 1.8a7 7 0 0 0-.7 1.7L5 11v2l2.2.4a7 7 0 0 0 .7 1.7L6.6 17l1.4 1.4 1.8-1.3a7 7 0 0 0 1.7.7L12 21h2l.4-2.2a7 7 0 0 0 1.7-.7l1.8 1.3 1.4-1.4-1.3-1.8a7 7 0 0 0 .7-1.7z',
  requests: 'M7 3h10v2h3v16H4V5h3zm2 2v2h6V5zM7 11h10v2H7zm0 4h7v2H7z',
  scan: 'M3 3h6v2H5v4H3zm12 0h6v6h-2V5h-4zM3 15h2v4h4v2H3zm16 0h2v6h-6v-2h4zM7 11h10v2H7z',
  camera: 'M9 4h6l1.5 2H21v14H3V6h4.5zm3 4a5 5 0 1 0 0 10 5 5 0 0 0 0-10zm0 2a3 3 0 1 1 0 6 3 3 0 0 1 0-6z',
  sync: 'M12 4a8 8 0 0 1 7.7 6H22l-3.5 4-3.5-4h2.6A6 6 0 0 0 6.3 9L4.7 7.8A8 8 0 0 1 12 4zm-6.6 6 3.5 4H6.3a6 6 0 0 0 11.4 1l1.6 1.2A8 8 0 0 1 4.3 14H2z',
  offline: 'M2 4.3 3.3 3 21 20.7 19.7 22l-5-5a3 3 0 0 0-5.4 0l-1.5-1.5a5 5 0 0 1 4.4-1.5L9.9 12a7 7 0 0 0-3.6 2L4.9 12.6A9 9 0 0 1 8.3 10.4L6 8.1a11 11 0 0 0-3.6 2.4L1 9.1A13 13 0 0 1 4.5 6.8zM12 6c3.6 0 7 1.4 9.5 3.9l-1.4 1.4A11 11 0 0 0 11 8.1zm4.9 5.3a9 9 0 0 1 2.2 1.3l-1.4 1.4-.6-.5zM12 18a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z',
  ok: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z',
  error: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm-1 5h2v7h-2zm0 9h2v2h-2z',
  back: 'M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z',
  star: 'M12 2.5l2.9 6.2 6.8.7-5.1 4.6 1.5 6.7L12 17.3l-5.9 3.4 1.4-6.7-5.1-4.6 6.8-.7z',
};
