// Drafts of what the user types into a sheet or the report form, kept in IndexedDB (the
// drafts store, src/db/drafts.js) as they type, so the phone's Back button, a reload or a tab
// the browser killed in the background lose nothing. Read when the form opens, dropped once
// the action is stored. Window only.

/** Typing pauses this long before a draft is written; leaving the page writes it at once. */
export const SAVE_AFTER_MS = 300;

/** @typedef {Record<string, unknown>} Fields */

/**
 * @param {Element} root
 * @returns {(HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement)[]}
 */
function named(root) {
  return /** @type {any[]} */ ([...root.querySelectorAll('input[name], textarea[name], select[name]')])
    .filter((el) => !['file', 'password', 'hidden', 'submit', 'button'].includes(el.type));
}

/**
 * The named fields inside `root` (text, numbers, text areas, radios, check boxes, selects) as
 * one object, and back.
 * @param {Element} root
 */
export function fieldsOf(root) {
  // What each field held when the form opened: a field changed since keeps what the user typed.
  const opened = new Map(named(root).map((el) => [el, el.value]));
  return {
    /** @returns {Fields} */
    collect() {
      /** @type {Fields} */
      const out = {};
      for (const el of named(root)) {
        if (el instanceof HTMLInputElement && el.type === 'radio') {
          if (el.checked) out[el.name] = el.value;
        } else if (el instanceof HTMLInputElement && el.type === 'checkbox') {
          out[el.name] = el.checked;
        } else {
          out[el.name] = el.value;
        }
      }
      return out;
    },
    /**
     * Put a draft back; a field the user changed meanwhile keeps what they typed.
     * @param {Fields} fields
     */
    restore(fields) {
      for (const el of named(root)) {
        if (!Object.hasOwn(fields, el.name)) continue;
        const value = fields[el.name];
        if (el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox')) {
          const checked = el.type === 'radio' ? el.value === String(value) : Boolean(value);
          if (el.checked !== checked) {
            el.checked = checked;
            el.dispatchEvent(new Event('change', { bubbles: true }));
          }
        } else if (el.value === (opened.get(el) ?? '')) {
          el.value = String(value ?? '');
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }
      }
    },
  };
}

/** @param {Fields} fields */
function isBlank(fields) {
  return Object.values(fields).every((v) => v === '' || v === null || v === undefined || v === false
    || (Array.isArray(v) && v.length === 0));
}

/**
 * Keep a form's draft under `key` ("note:<work order id>", "report").
 * @param {any} client
 * @param {string} key
 * @param {object} form
 * @param {() => Fields} form.collect what to keep now
 * @param {(fields: Fields) => void} form.restore put a kept draft back
 * @param {(savedAt: string | null) => void} [form.onSaved] a draft was kept (its time) or is gone (null)
 */
export function keepDraft(client, key, { collect, restore, onSaved }) {
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  let dirty = false;
  let closed = false;
  /** @type {Promise<unknown>} writes one after another, in the order typed */
  let writing = Promise.resolve();

  function save() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!dirty) return writing;
    dirty = false;
    const fields = collect();
    writing = writing
      .then(async () => {
        if (isBlank(fields)) {
          await client.dropDraft(key);
          onSaved?.(null);
        } else {
          const draft = await client.saveDraft(key, fields);
          onSaved?.(draft?.saved_at ?? null);
        }
      })
      .catch((error) => console.warn('draft not kept', key, error));
    return writing;
  }

  const onHidden = () => {
    if (document.visibilityState === 'hidden') void save();
  };
  document.addEventListener('visibilitychange', onHidden);
  window.addEventListener('pagehide', save);

  const restored = Promise.resolve(client.draft?.(key))
    .then((draft) => {
      if (draft && !closed) {
        restore(draft.fields);
        onSaved?.(draft.saved_at);
      }
      return draft;
    })
    .catch((error) => {
      console.warn('draft not read', key, error);
      return undefined;
    });

  return {
    /** Resolves once a kept draft (if any) is back in the form. */
    restored,
    /** The user typed: keep it shortly. */
    changed() {
      if (closed) return;
      dirty = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, SAVE_AFTER_MS);
    },
    /** Keep what is typed now. */
    flush: save,
    /** The action is stored: the draft goes. */
    async discard() {
      if (timer) clearTimeout(timer);
      timer = null;
      dirty = false;
      await writing;
      await client.dropDraft(key);
      onSaved?.(null);
    },
    /** The form goes away (Back, cancel, another screen): what is typed stays kept. */
    close() {
      if (closed) return writing;
      const kept = save();
      closed = true;
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('pagehide', save);
      return kept;
    },
  };
}
