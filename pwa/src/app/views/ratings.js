// Rate the contractors: clinical staff give each contractor serving their campus a score
// for this month, 1 to 5 stars with none chosen beforehand (the server never assumes a
// score), and an optional comment. Saved on the phone at once, sent with the next sync; a
// second rating of the month replaces the first (the server keeps both).
import { h, icon, ICONS, mount } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import { byName, monthOf, ratingsOf } from '../ratings-logic.js';
import { empty, pageHead, perform } from './common.js';

const SCORES = [1, 2, 3, 4, 5];

/**
 * One contractor's form: the stars (a radio each, none checked), a comment, a button.
 * @param {import('../router.js').ViewContext} ctx
 * @param {any} contractor
 * @param {any} rated the department's rating of the month, if any
 * @param {string} month
 */
function contractorCard(ctx, contractor, rated, month) {
  const name = `score-${contractor.id}`;
  const stars = SCORES.map((n) => {
    const input = /** @type {HTMLInputElement} */ (
      h('input', { type: 'radio', name, value: n, class: 'visually-hidden', 'data-score': n })
    );
    const label = h('label', { class: 'star' }, input, icon(ICONS.star), h('span', { class: 'sr-only' }, t(`rate.score.${n}`)));
    return { n, input, label };
  });
  const words = h('p', { class: 'star-words', 'aria-live': 'polite' }, '\u00a0');
  const paint = () => {
    const chosen = stars.find((s) => s.input.checked)?.n ?? 0;
    for (const s of stars) s.label.classList.toggle('on', s.n <= chosen);
    words.textContent = chosen ? t(`rate.score.${chosen}`) : '\u00a0';
  };
  for (const s of stars) s.input.addEventListener('change', paint);
  const comment = /** @type {HTMLTextAreaElement} */ (h('textarea', { name: 'comment', maxlength: 2000, rows: 2 }));
  const problem = h('p', { class: 'alert', role: 'alert', hidden: true });
  const send = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'primary big wide' },
    rated ? t('ratings.change') : t('ratings.send')));
  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'card rating', 'data-contractor': contractor.code },
    h('h2', null, contractor.name),
    h('p', { class: 'muted small' }, contractor.service),
    rated
      ? h('p', { class: 'rated', 'data-rated': rated.score },
        t('ratings.rated', { n: rated.score, when: formatDateTime(rated.rated_at) }),
        rated.version === 0 ? ` · ${t('ratings.waiting')}` : '',
        rated.comment ? h('span', { class: 'small muted' }, ` “${rated.comment}”`) : null)
      : h('p', { class: 'muted' }, t('ratings.not_rated')),
    h('fieldset', { class: 'stars' },
      h('legend', null, t('ratings.how', { name: contractor.name })),
      h('div', { class: 'star-row' }, stars.map((s) => s.label)),
      words),
    h('label', null, t('ratings.comment'), comment),
    problem,
    send));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const score = stars.find((s) => s.input.checked)?.n;
    if (!score) {
      problem.textContent = t('ratings.choose_score');
      problem.hidden = false;
      return;
    }
    problem.hidden = true;
    send.disabled = true;
    try {
      await perform(ctx, 'contractor.rate', {
        rating_id: crypto.randomUUID(),
        contractor_id: contractor.id,
        department_id: ctx.user.department_id,
        month,
        score,
        comment: comment.value.trim(),
      });
    } catch (error) {
      problem.textContent = /** @type {any} */ (error)?.userMessage || t('common.failed_plain');
      problem.hidden = false;
      send.disabled = false;
    }
  });
  return h('li', null, form);
}

/** @param {import('../router.js').ViewContext} ctx */
export default async function ratingsView(ctx) {
  const { client, user, outlet } = ctx;

  async function render() {
    const [contractors, ratings, departments] = await Promise.all([
      client.list('contractor'), client.list('contractor_rating'), client.list('department'),
    ]);
    if (!ctx.alive()) return;
    const month = monthOf(new Date());
    const rated = ratingsOf(ratings, user.department_id ?? null, month);
    const department = departments.find((/** @type {any} */ d) => d.id === user.department_id)?.name;
    const monthName = new Date(`${month}T12:00:00`).toLocaleDateString(undefined, { year: 'numeric', month: 'long' });
    mount(outlet,
      pageHead(t('ratings.title'), {
        back: { href: '#/requests', label: t('requests.title') },
        sub: h('p', { class: 'muted' }, t('ratings.intro', { month: monthName, department: department ?? '—' })),
      }),
      !user.department_id
        ? empty(t('ratings.no_department'))
        : contractors.length
          ? h('ul', { class: 'cards' }, [...contractors].sort(byName).map((c) => contractorCard(ctx, c, rated.get(c.id), month)))
          : empty(t('ratings.no_contractors')));
  }

  await render();
  ctx.onChange(['contractor', 'contractor_rating'], render);
}
