// What the "rate contractors" screen reads, as pure functions (tests/pwa/ratings.test.js).

/**
 * The month a rating made now names: the first day of the phone's own month, so a rating
 * made on the 31st names that month even when it reaches the server on the 1st.
 * @param {Date} now
 */
export function monthOf(now) {
  const month = String(now.getMonth() + 1).padStart(2, '0');
  return `${now.getFullYear()}-${month}-01`;
}

/**
 * The department's rating of each contractor for the month: the newest, whether the
 * server's copy or one still waiting to sync (a later rating replaces the earlier).
 * @param {any[]} ratings contractor_rating rows
 * @param {string | null} departmentId
 * @param {string} month YYYY-MM-01
 * @returns {Map<string, any>} by contractor id
 */
export function ratingsOf(ratings, departmentId, month) {
  /** @type {Map<string, any>} */
  const latest = new Map();
  for (const row of ratings) {
    if (row.department_id !== departmentId || String(row.month).slice(0, 10) !== month || row.superseded_at) continue;
    const held = latest.get(row.contractor_id);
    if (!held || Date.parse(row.rated_at) >= Date.parse(held.rated_at)) latest.set(row.contractor_id, row);
  }
  return latest;
}

/** @param {any} a @param {any} b */
export const byName = (a, b) => String(a.name).localeCompare(String(b.name));
