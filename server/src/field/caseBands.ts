/**
 * Which kind of case a plant count points to in China: under 500 plants an administrative case (Public Security
 * Administration Punishments Law art. 71); 500 or more a criminal case (Criminal Law art. 351); 3,000 or more the
 * aggravated band of art. 351 para. 2. Detections only estimate from visible flowers: the count on
 * site decides.
 */
export type CaseBand = 'administrative' | 'criminal' | 'aggravated';

export const CASE_BANDS: { band: CaseBand; from: number; en: string; zh: string }[] = [
  { band: 'administrative', from: 0, en: 'under 500 plants: administrative case (Public Security Administration Punishments Law, art. 71)', zh: '不满500株：治安案件（《治安管理处罚法》第七十一条）' },
  { band: 'criminal', from: 500, en: '500 plants or more: criminal case (Criminal Law, art. 351)', zh: '500株以上：刑事案件（《刑法》第三百五十一条）' },
  { band: 'aggravated', from: 3000, en: '3,000 plants or more: aggravated case (Criminal Law, art. 351 para. 2)', zh: '3000株以上：数量大，加重处罚（《刑法》第三百五十一条第二款）' },
];

export function caseBand(plants: number): CaseBand {
  return plants >= 3000 ? 'aggravated' : plants >= 500 ? 'criminal' : 'administrative';
}
