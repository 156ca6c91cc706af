import type { ModelManifest } from '../model/manifest.js';
import type { AdviceCode, LabelScore, Verdict, VerdictReason } from '../domain/vocabulary.js';
import type { NamedScore, SnapVerdict } from '../domain/contract.js';

export type { AdviceCode, Verdict, VerdictReason } from '../domain/vocabulary.js';
export type { NamedScore, SnapVerdict } from '../domain/contract.js';

export const LOOKALIKE_COUNT = 3;

// Papaveraceae relatives the model cannot reliably tell from opium poppy (corn poppy, Californian, tree poppy...).
const POPPY_FAMILY = /poppy|papaver|罂粟|虞美人/i;

/**
 * In the uncertain band, a photo whose closest labels shown include no poppy-family plant is still "uncertain" from
 * this poppy score up; below it, it is "not poppy". Chosen on the held-out close-up test split (npm run eval:phone):
 * the highest value that loses no poppy-family test photo to "not poppy" (0.03 would lose one).
 */
export const UNCERTAIN_WITHOUT_POPPY_LABEL = 0.02;

const ADVICE: Record<Verdict, AdviceCode[]> = {
  poppy: ['do_not_touch', 'mark_and_photograph_area', 'call_in'],
  uncertain: ['retake_closer', 'photograph_capsule_and_leaf', 'sent_for_expert_review'],
  not_poppy: ['carry_on_logged'],
};

/**
 * Turns the classifier's scores into the officer's answer, consistent with the closest labels shown with it. The
 * poppy score is compared with the model's own close-up thresholds: at or above `closeup` is poppy, in
 * [closeupUncertainLow, closeup) uncertain, below not poppy. Then the labels the officer sees decide:
 * - "poppy" only when the best match is a poppy label; over the threshold with another plant on top (a daisy whose
 *   poppy score is spread over many poppy labels) it is only uncertain, for an expert;
 * - "uncertain" from the low end of the score band only when a poppy-family label is among the closest labels
 *   shown (or the score is at least UNCERTAIN_WITHOUT_POPPY_LABEL); otherwise "not poppy" (most field plants in
 *   the band: see the model card);
 * - a poppy-family look-alike ranked first never yields a plain "not poppy".
 */
export function decideVerdict(
  scores: LabelScore[],
  poppyScore: number,
  manifest: Pick<ModelManifest, 'labels' | 'thresholds'>,
): SnapVerdict {
  const { closeup, closeupUncertainLow } = manifest.thresholds;
  const byId = new Map(manifest.labels.map((l) => [l.id, l]));
  const named: NamedScore[] = [...scores]
    .sort((a, b) => b.score - a.score)
    .map((s) => {
      const label = byId.get(s.label);
      return { label: s.label, score: s.score, en: label?.en ?? s.label, zh: label?.zh ?? s.label, poppy: label?.group === 'poppy', kind: label?.kind };
    })
    .filter((s, _i, all) => s.kind === 'closeup' || !all.some((o) => o.kind === 'closeup'))
    .map(({ kind: _kind, ...rest }) => rest);
  const top = named.slice(0, LOOKALIKE_COUNT);

  let verdict: Verdict;
  const reasons: VerdictReason[] = [];
  const first = top[0];
  const poppyShown = top.some((s) => s.poppy || isPoppyFamily(s));
  if (poppyScore >= closeup && first && !first.poppy) {
    // Enough poppy to rule nothing out, but the single best match is something else: an expert decides.
    verdict = 'uncertain';
    reasons.push('score_above_poppy_threshold', 'best_match_not_poppy');
  } else if (poppyScore >= closeup) {
    verdict = 'poppy';
    reasons.push('score_above_poppy_threshold');
  } else if (poppyScore >= closeupUncertainLow && (poppyShown || poppyScore >= UNCERTAIN_WITHOUT_POPPY_LABEL)) {
    verdict = 'uncertain';
    reasons.push('score_in_uncertain_band');
  } else if (poppyScore >= closeupUncertainLow) {
    verdict = 'not_poppy';
    reasons.push('score_in_uncertain_band', 'no_poppy_among_closest');
  } else {
    verdict = 'not_poppy';
    reasons.push('score_below_uncertain_band');
  }
  if (verdict === 'not_poppy' && first && !first.poppy && isPoppyFamily(first)) {
    verdict = 'uncertain';
    reasons.push('poppy_family_lookalike_on_top');
  }
  return {
    verdict,
    poppyScore,
    reasons,
    top,
    advice: ADVICE[verdict],
    thresholds: { poppy: closeup, uncertainLow: closeupUncertainLow },
  };
}

function isPoppyFamily(s: { label: string; en: string; zh: string }): boolean {
  return POPPY_FAMILY.test(s.label) || POPPY_FAMILY.test(s.en) || POPPY_FAMILY.test(s.zh);
}
