import type { Entry } from '../entry.js';

// The plot estimate on a site: area, visible flower heads, and the legal bands it falls against (China).
export const plotStrings: Record<string, Entry> = {
  'plot.title': { en: 'Plot estimate', zh: '地块估算' },
  'plot.area': { en: 'Area ≈ {area} m²', zh: '面积约 {area} 平方米' },
  'plot.heads': { en: '≈ {n} visible flower heads', zh: '约 {n} 个可见花朵' },
  'plot.caveat': {
    en: 'Estimated from visible flowers — count on site. Plants without open flowers, hidden heads and plants with several heads are not in it; this is not a finding.',
    zh: '根据可见花朵估算，请现场清点。未开花、被遮挡的植株及一株多花均未计入；本估算不构成认定。',
  },
  'plot.band.admin': { en: 'Under 500: administrative case (治安管理处罚法 art. 71)', zh: '500 株以下：治安案件（治安管理处罚法第七十一条）' },
  'plot.band.criminal': { en: '500 or more: criminal case (刑法 art. 351)', zh: '500 株以上：刑事案件（刑法第三百五十一条）' },
  'plot.band.aggravated': { en: '3,000 or more: aggravated (刑法 art. 351)', zh: '3000 株以上：情节严重（刑法第三百五十一条）' },
  'plot.band.here': { en: 'the estimate falls here', zh: '估算落在此档' },
};
