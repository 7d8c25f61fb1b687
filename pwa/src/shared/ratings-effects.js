// Optimistic effect of `contractor.rate` (server/domain/ratings): a ward rates a contractor
// for a month, offline if need be, and sees its rating at once. Pure, like effects.js.
//
//   contractor_rating:<rating_id>   the department's rating of one contractor for a month
//
// A later rating of the same month is a new row (the server keeps the earlier one as
// history and drops it from the phone's copy once it syncs); screens show the newest. A
// rating the server would refuse (a score off the scale, another department's) changes
// nothing here: the refusal arrives in the inbox.
import RULES from './rules.js';

/** @typedef {import('./effects.js').Effect} Effect */

const SCORES = new Set(RULES.ratings.scores);

/** @type {Record<string, Effect>} */
export const RATING_EFFECTS = {
  'contractor.rate': {
    touches: (args) => [['contractor_rating', String(args.rating_id)]],
    apply(op, row, { user }) {
      if (row) return row; // recorded before, or the server's copy arrived
      const a = op.args;
      if (!SCORES.has(a.score)) return row;
      if (user && (user.department_id ?? null) !== a.department_id) return row;
      return {
        type: 'contractor_rating',
        id: String(a.rating_id),
        version: 0,
        department_id: a.department_id,
        contractor_id: a.contractor_id,
        month: a.month,
        score: a.score,
        comment: String(a.comment ?? '').trim(),
        rated_by_id: user?.id ?? null,
        rated_at: op.client_time,
        superseded_at: null,
      };
    },
  },
};
