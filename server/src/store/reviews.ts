import type { StoreContext } from './context.js';
import type { Review, SiteStatus } from './types.js';

interface ReviewRow {
  id: number;
  site_id: number;
  user_id: string | null;
  username: string | null;
  at: string;
  before_status: SiteStatus;
  after_status: SiteStatus;
  note: string | null;
  version: number;
}

const toReview = (r: ReviewRow): Review => ({
  id: r.id,
  siteId: r.site_id,
  userId: r.user_id,
  username: r.username,
  at: r.at,
  before: r.before_status,
  after: r.after_status,
  note: r.note,
  version: r.version,
});

export interface NewReview {
  siteId: number;
  userId: string | null;
  username: string | null;
  at: string;
  before: SiteStatus;
  after: SiteStatus;
  note: string | null;
  version: number;
}

export function createReviewsRepo({ db }: StoreContext) {
  const insert = db.prepare(`INSERT INTO reviews (site_id, user_id, username, at, before_status, after_status, note, version)
    VALUES (@siteId, @userId, @username, @at, @before, @after, @note, @version)`);
  const bySite = db.prepare('SELECT * FROM reviews WHERE site_id = ? ORDER BY id');
  return {
    add(r: NewReview): Review {
      const res = insert.run(r);
      return { id: Number(res.lastInsertRowid), ...r };
    },
    listBySite(siteId: number): Review[] {
      return (bySite.all(siteId) as ReviewRow[]).map(toReview);
    },
  };
}

export type ReviewsRepo = ReturnType<typeof createReviewsRepo>;
