// Settings: who is signed in, the language, notifications (Web Push) on this phone, the
// phone's storage (used, quota, whether the browser keeps it under pressure), syncing now,
// and signing out, which is refused while actions are still waiting to be sent: they would
// be stranded on this phone.
import { h, mount } from '../dom.js';
import { LANGUAGES, formatBytes, formatDateTime, language, setLanguage, t } from '../i18n.js';
import { pageHead } from './common.js';
import { STORAGE_WARNING, errorText } from '../components/status-bar.js';

const LANGUAGE_NAMES = /** @type {Record<string, {name: string, lang: string}>} */ ({
  en: { name: 'English', lang: 'en' },
  'zh-CN': { name: '简体中文', lang: 'zh-CN' },
});

/** @returns {Promise<any>} */
function swClient() {
  return import('../sw-client.js').catch(() => null);
}

/** @returns {Promise<any>} */
function pushModule() {
  return import('../push.js').catch(() => null);
}

/** @param {import('../router.js').ViewContext} ctx */
export default async function settingsView(ctx) {
  const { client, user, outlet } = ctx;
  /** @type {string} src/app/push.js PushState */
  let pushNow = 'unsupported';
  /** @type {string | null} */
  let pushProblem = null;
  /** @type {{usage: number | null, quota: number | null, persisted: boolean} | null} */
  let storage = null;
  let pending = 0;
  /** @type {string | null} */
  let signOutProblem = null;
  /** @type {string | null} */
  let syncMessage = null;

  async function measure() {
    const sw = await swClient();
    try {
      storage = sw?.storageEstimate ? await sw.storageEstimate() : null;
    } catch {
      storage = null;
    }
    pending = Number((await client.pendingCount?.()) || 0);
    const push = await pushModule();
    pushNow = push ? await push.pushState(user).catch(() => 'unsupported') : 'unsupported';
  }

  /** The notifications section: where Web Push stands here, and the tap that changes it. */
  function notifications() {
    const canTurnOn = ['off', 'ask'].includes(pushNow);
    return h('section', { class: 'card', 'aria-labelledby': 's-push' },
      h('h2', { id: 's-push' }, t('settings.push')),
      h('p', { class: 'push-state' }, t(`settings.push_${pushNow}`)),
      pushProblem && h('p', { class: 'alert', role: 'alert' }, pushProblem),
      (pushNow === 'on' || canTurnOn) &&
        h('button', {
          type: 'button',
          class: 'push-toggle',
          onclick: async (/** @type {Event} */ event) => {
            const button = /** @type {HTMLButtonElement} */ (event.currentTarget);
            button.disabled = true;
            pushProblem = null;
            const push = await pushModule();
            try {
              if (pushNow === 'on') await push.disablePush(client);
              else await push.reenablePush(client);
            } catch (error) {
              console.warn('web push', error);
              pushProblem = t('settings.push_failed');
            }
            await measure();
            if (ctx.alive()) render();
          },
        }, pushNow === 'on' ? t('settings.push_turn_off') : t('settings.push_turn_on')));
  }

  function render() {
    const roles = (user.roles || []).map((/** @type {string} */ r) => t(`role.${r}`)).join(', ');
    const used = storage?.usage != null ? formatBytes(storage.usage) : '—';
    const quota = storage?.quota != null ? formatBytes(storage.quota) : '—';
    const share = storage?.usage != null && storage?.quota ? Math.min(100, (storage.usage / storage.quota) * 100) : null;
    mount(
      outlet,
      pageHead(t('settings.title')),
      h('section', { class: 'card', 'aria-labelledby': 's-who' },
        h('h2', { id: 's-who' }, t('settings.account')),
        h('dl', { class: 'facts' },
          h('dt', null, t('settings.name')), h('dd', null, user.name),
          h('dt', null, t('settings.employee_no')), h('dd', null, user.employee_no),
          roles && [h('dt', null, t('settings.roles')), h('dd', null, roles)])),
      h('section', { class: 'card' },
        h('fieldset', { class: 'choices-col' },
          h('legend', null, h('h2', null, t('settings.language'))),
          LANGUAGES.map((code) =>
            h('label', { class: 'choice', lang: LANGUAGE_NAMES[code].lang },
              h('input', {
                type: 'radio', name: 'lang', value: code, checked: language() === code,
                onchange: async () => {
                  await setLanguage(code, { remember: true });
                },
              }),
              LANGUAGE_NAMES[code].name)))),
      notifications(),
      h('section', { class: 'card', 'aria-labelledby': 's-storage' },
        h('h2', { id: 's-storage' }, t('settings.storage')),
        h('dl', { class: 'facts' },
          h('dt', null, t('settings.storage_used')),
          h('dd', null, t('settings.storage_of', { used, quota })),
          share !== null && h('dd', null, h('meter', { min: 0, max: 100, value: share.toFixed(1), 'aria-label': t('settings.storage_used') })),
          share !== null && share >= STORAGE_WARNING * 100 && h('dd', { class: 'alert' }, t('storage.warning', { used, quota })),
          h('dt', null, t('settings.persistent')),
          h('dd', null, storage?.persisted ? t('settings.persistent_yes') : t('settings.persistent_no'))),
        !storage?.persisted &&
          h('button', {
            type: 'button',
            onclick: async () => {
              const sw = await swClient();
              const granted = sw?.requestPersistentStorage ? await sw.requestPersistentStorage() : false;
              ctx.toast(granted ? t('settings.persist_granted') : t('settings.persist_refused'));
              await measure();
              if (ctx.alive()) render();
            },
          }, t('settings.persist_ask'))),
      h('section', { class: 'card', 'aria-labelledby': 's-sync' },
        h('h2', { id: 's-sync' }, t('settings.sync')),
        h('p', null, pending ? t('sync.pending', { n: pending }) : t('settings.nothing_pending')),
        syncMessage && h('p', { role: 'status' }, syncMessage),
        h('button', {
          type: 'button',
          onclick: async (/** @type {Event} */ event) => {
            const button = /** @type {HTMLButtonElement} */ (event.currentTarget);
            button.disabled = true;
            syncMessage = t('sync.syncing');
            const outcome = await client.syncNow('manual').catch((/** @type {unknown} */ error) => ({ ok: false, error }));
            if (outcome?.ok) syncMessage = t('settings.sync_done', { when: formatDateTime(new Date()) });
            else if (outcome?.skipped) syncMessage = t('settings.sync_later');
            else syncMessage = t('sync.error_detail', { message: errorText(outcome?.error) || t('error.offline') });
            await measure();
            if (ctx.alive()) render();
          },
        }, t('settings.sync_now'))),
      h('section', { class: 'card', 'aria-labelledby': 's-out' },
        h('h2', { id: 's-out' }, t('settings.sign_out')),
        signOutProblem && h('p', { class: 'alert', role: 'alert' }, signOutProblem),
        h('button', { type: 'button', class: 'danger', onclick: signOut }, t('settings.sign_out'))),
    );
  }

  async function signOut() {
    pending = Number((await client.pendingCount?.()) || 0);
    if (pending > 0) {
      signOutProblem = t('settings.sign_out_pending', { n: pending });
      render();
      /** @type {HTMLElement | null} */ (outlet.querySelector('.alert'))?.focus();
      return;
    }
    // Nobody's notifications reach a phone nobody is signed in on (a shared phone).
    await (await pushModule())?.leavePush(client);
    try {
      await client.signOut();
    } catch (error) {
      // The client refuses while ops are pending (a race with a new action): say so.
      const e = /** @type {any} */ (error);
      pending = Number((await client.pendingCount?.()) || 0);
      signOutProblem = pending > 0 ? t('settings.sign_out_pending', { n: pending }) : t('common.failed', { message: e?.message || String(e) });
      render();
      return;
    }
    ctx.signedIn(null);
  }

  await measure();
  if (!ctx.alive()) return;
  render();
  ctx.onChange(null, async () => {
    pending = Number((await client.pendingCount?.()) || 0);
    if (ctx.alive()) render();
  });
}
