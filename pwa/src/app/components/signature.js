// A signature drawn with a finger (or a pen, or a mouse) on a canvas: pointer events with
// capture, so a stroke that leaves the box still ends cleanly, and touch-action: none so
// drawing never scrolls the page. Someone who cannot draw types their name instead, and it
// is written into the box. The result is a PNG blob.
import { h } from '../dom.js';
import { t } from '../i18n.js';

const HEIGHT = 180;

/**
 * @returns {{el: HTMLElement, isEmpty: () => boolean, clear: () => void, toBlob: () => Promise<Blob>}}
 */
export function signaturePad() {
  /** @type {{x: number, y: number}[][]} */
  let strokes = [];
  /** @type {{x: number, y: number}[] | null} */
  let current = null;
  let typed = '';

  const canvas = /** @type {HTMLCanvasElement} */ (
    h('canvas', { class: 'signature-canvas', role: 'img', 'aria-label': t('signature.area') })
  );
  const state = h('p', { class: 'small muted', 'aria-live': 'polite' }, t('signature.empty'));
  const typedInput = /** @type {HTMLInputElement} */ (
    h('input', { type: 'text', autocomplete: 'name', maxlength: 80 })
  );
  const clearButton = h('button', { type: 'button', class: 'ghost', onclick: () => clear() }, t('signature.clear'));

  function size() {
    const rect = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(rect.width * ratio));
    const height = Math.max(1, Math.round(HEIGHT * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
      redraw();
    }
  }

  function context() {
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    const ratio = canvas.width / Math.max(1, canvas.getBoundingClientRect().width || canvas.width);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = '#111827';
    ctx.fillStyle = '#111827';
    return ctx;
  }

  function redraw() {
    const ctx = context();
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
    if (typed) {
      const width = canvas.getBoundingClientRect().width || 300;
      let px = 44;
      ctx.font = `italic ${px}px "Segoe Script", "Bradley Hand", "Brush Script MT", cursive`;
      while (ctx.measureText(typed).width > width - 32 && px > 14) {
        px -= 2;
        ctx.font = `italic ${px}px "Segoe Script", "Bradley Hand", "Brush Script MT", cursive`;
      }
      ctx.textBaseline = 'middle';
      ctx.fillText(typed, 16, HEIGHT / 2);
    }
    for (const stroke of strokes) {
      ctx.beginPath();
      stroke.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
      if (stroke.length === 1) ctx.lineTo(stroke[0].x + 0.1, stroke[0].y + 0.1);
      ctx.stroke();
    }
  }

  function point(/** @type {PointerEvent} */ event) {
    const rect = canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  function changed() {
    state.textContent = isEmpty() ? t('signature.empty') : t('signature.done');
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 && event.pointerType === 'mouse') return;
    event.preventDefault();
    size();
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
    redraw();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!current) return;
    event.preventDefault();
    const from = current[current.length - 1];
    const coalesced = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    const points = (coalesced.length ? coalesced : [event]).map(point);
    current.push(...points);
    const ctx = context();
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    for (const p of points) ctx.lineTo(p.x, p.y);
    ctx.stroke();
  });
  const end = () => {
    if (!current) return;
    current = null;
    changed();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  typedInput.addEventListener('input', () => {
    typed = typedInput.value.trim();
    size();
    redraw();
    changed();
  });

  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => size()).observe(canvas);
  }
  requestAnimationFrame(size);

  function isEmpty() {
    return strokes.every((s) => s.length < 2) && !typed;
  }

  function clear() {
    strokes = [];
    typed = '';
    typedInput.value = '';
    redraw();
    changed();
  }

  const el = h(
    'div',
    { class: 'signature' },
    h('p', { class: 'label' }, t('signature.label')),
    canvas,
    h('div', { class: 'signature-tools' }, state, clearButton),
    h('label', null, t('signature.type_instead'), typedInput),
  );

  return {
    el,
    isEmpty,
    clear,
    toBlob() {
      size();
      redraw();
      return new Promise((resolve, reject) => {
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('signature'))), 'image/png');
      });
    },
  };
}
