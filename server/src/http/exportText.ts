// Words inside KML/GPX exports (placemark names and descriptions, document title) in the reader's language.
import type { Site } from '../store/types.js';

export type ExportLang = 'en' | 'zh';

/** `?lang=zh|en` from the web app's download links, else the first Accept-Language that is one of ours. */
export function exportLang(queryLang: unknown, acceptLanguage: string | undefined): ExportLang {
  if (queryLang === 'zh' || queryLang === 'en') return queryLang;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

const STATUS: Record<ExportLang, Record<string, string>> = {
  en: { pending: 'pending', confirmed: 'confirmed', rejected: 'rejected' },
  zh: { pending: '待审核', confirmed: '已确认', rejected: '已排除' },
};

export function siteName(s: Pick<Site, 'id' | 'status'>, lang: ExportLang, withStatus: boolean): string {
  if (lang === 'zh') return withStatus ? `点位 ${s.id}（${STATUS.zh[s.status] ?? s.status}）` : `点位 ${s.id}`;
  return withStatus ? `Site ${s.id} (${s.status})` : `Site ${s.id}`;
}

export function describeSite(
  s: Pick<Site, 'score' | 'status' | 'errorRadiusM' | 'frames' | 'source' | 'modelVersion' | 'note'> & { flightName: string | null; officerNote?: string | null },
  lang: ExportLang,
): string {
  if (lang === 'zh') {
    const parts = [
      `得分 ${s.score.toFixed(3)}`,
      `状态 ${STATUS.zh[s.status] ?? s.status}`,
      `误差 ±${s.errorRadiusM.toFixed(1)} 米`,
      `${s.frames} 张照片`,
      s.flightName ? `航拍任务“${s.flightName}”` : s.source === 'phone' ? '手机拍照' : null,
      s.modelVersion ? `模型 ${s.modelVersion}` : null,
      s.officerNote ? `警员备注：${s.officerNote}` : null,
      s.note ? `审核备注：${s.note}` : null,
    ];
    return parts.filter(Boolean).join('，');
  }
  const parts = [
    `Score ${s.score.toFixed(3)}`,
    `status ${s.status}`,
    `±${s.errorRadiusM.toFixed(1)} m`,
    `${s.frames} frame${s.frames === 1 ? '' : 's'}`,
    s.flightName ? `flight "${s.flightName}"` : s.source === 'phone' ? 'phone snap' : null,
    s.modelVersion ? `model ${s.modelVersion}` : null,
    s.officerNote ? `officer's note: ${s.officerNote}` : null,
    s.note ? `reviewer's note: ${s.note}` : null,
  ];
  return parts.filter(Boolean).join(', ');
}

export function exportTitle(statusLabel: string, date: string, lang: ExportLang): string {
  if (lang === 'zh') {
    const label = statusLabel.split('+').map((st) => STATUS.zh[st] ?? (st === 'all' ? '全部' : st)).join('+');
    return `PoppyWatch 点位（${label}），${date}`;
  }
  return `PoppyWatch sites (${statusLabel}), ${date}`;
}

/** The demo flight is named in the reader's language, as in the web app. */
export function exportFlightName(flight: { name: string; isDemo: boolean } | null, lang: ExportLang): string | null {
  if (!flight) return null;
  if (flight.isDemo) return lang === 'zh' ? '演示航拍任务' : 'Demo flight';
  return flight.name || null;
}
