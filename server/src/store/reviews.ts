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

export type NewReview = Omit<Review, 'id'>;

const INSERT = `INSERT INTO reviews (site_id, user_id, username, at, before_status, after_status, note, version)
  VALUES (@siteId, @userId, @username, @at, @before, @after, @note, @version) RETURNING id`;

export function createReviewsRepo({ sql }: StoreContext) {
  return {
    async add(r: NewReview): Promise<Review> {
      const { id } = (await sql.get<{ id: number }>(INSERT, r))!;
      return { id, ...r };
    },
    async listBySite(siteId: number): Promise<Review[]> {
      return (await sql.all<ReviewRow>('SELECT * FROM reviews WHERE site_id = ? ORDER BY id', [siteId])).map(toReview);
    },
  };
}

export type ReviewsRepo = ReturnType<typeof createReviewsRepo>;
