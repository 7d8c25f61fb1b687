// Sign in: employee number and password. It needs the network (the server checks the
// password, registers this phone and sends the first sync); after that the app opens
// straight to the user's screen, offline too.
import { h, mount } from '../dom.js';
import { LANGUAGES, language, setLanguage, t } from '../i18n.js';

/** The reason a sign-in failed, in words. */
function reason(/** @type {any} */ error) {
  if (!navigator.onLine || error?.offline || error?.kind === 'offline' || error instanceof TypeError) return t('signin.unreachable');
  switch (error?.code) {
    case 'invalid_credentials':
      return t('signin.wrong');
    case 'too_many_attempts':
      return t('signin.too_many');
    case 'database_unavailable':
    case 'database_busy':
      return t('signin.server_busy');
    default:
      return t('signin.failed', { message: error?.message || String(error) });
  }
}

/** @param {import('../router.js').ViewContext} ctx */
export default async function signinView(ctx) {
  const { client, outlet, query } = ctx;
  const again = query.has('again') && client.user;
  const offlineNote = h('p', { class: 'note-box warn', role: 'status', hidden: navigator.onLine !== false }, t('signin.offline'));
  const error = h('p', { class: 'alert', role: 'alert', hidden: true });
  const employee = /** @type {HTMLInputElement} */ (
    h('input', { id: 'si-emp', name: 'employee_no', required: true, autocomplete: 'username', autocapitalize: 'characters', spellcheck: 'false', maxlength: 32, value: again ? client.user.employee_no : '' })
  );
  const password = /** @type {HTMLInputElement} */ (
    h('input', { id: 'si-pw', name: 'password', type: 'password', required: true, autocomplete: 'current-password' })
  );
  const submit = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'primary big wide' }, t('signin.submit')));
  const other = LANGUAGES.find((l) => l !== language()) || 'en';

  const update = () => {
    offlineNote.hidden = navigator.onLine !== false;
  };
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  ctx.onCleanup(() => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
  });

  const form = h('form', { class: 'card signin', 'aria-labelledby': 'si-h' },
    h('label', { for: 'si-emp' }, t('signin.employee_no')), employee,
    h('label', { for: 'si-pw' }, t('signin.password')), password,
    error,
    submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!employee.value.trim() || !password.value) {
      error.textContent = t('signin.fill_both');
      error.hidden = false;
      return;
    }
    if (navigator.onLine === false) {
      error.textContent = t('signin.offline_short');
      error.hidden = false;
      return;
    }
    submit.disabled = true;
    submit.textContent = t('signin.working');
    try {
      await client.signIn(employee.value.trim().toUpperCase(), password.value);
      password.value = '';
      const next = query.get('next');
      ctx.signedIn(client.user, next && next.startsWith('/') && !next.startsWith('/signin') ? next : null);
    } catch (err) {
      console.warn(err);
      error.textContent = reason(err);
      error.hidden = false;
      submit.disabled = false;
      submit.textContent = t('signin.submit');
      password.select();
    }
  });

  mount(outlet,
    h('div', { class: 'signin-wrap' },
      h('h1', { id: 'si-h' }, t('signin.title')),
      h('p', { class: 'muted' }, again ? t('signin.intro_again') : t('signin.intro')),
      offlineNote,
      form,
      h('p', { class: 'center' },
        h('button', {
          type: 'button', class: 'link', lang: other,
          onclick: () => setLanguage(other, { remember: true }),
        }, other === 'zh-CN' ? '简体中文' : 'English'))));
}
