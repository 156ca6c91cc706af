/**
 * Words every layer and the web app share: status unions, a label's score, a GeoJSON polygon. Types only, no
 * imports: web/src imports this (through domain/contract.ts) as types.
 */
export type SiteStatus = 'pending' | 'confirmed' | 'rejected';
export type SiteSource = 'drone' | 'phone';
/** a frame's (an image's) processing state */
export type ImageStatus = 'queued' | 'processing' | 'done' | 'failed';
export type FlightStatus = 'empty' | 'queued' | 'processing' | 'done' | 'failed';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** One label of a model's answer: the label id and its probability. */
export interface LabelScore {
  label: string;
  score: number;
}

export interface GeoJsonPolygon {
  type: 'Polygon';
  coordinates: number[][][];
}

/** A snap's verdict. */
export type Verdict = 'poppy' | 'not_poppy' | 'uncertain';
export type LocationSource = 'exif' | 'device' | 'manual';

/** Why a verdict came out as it did; the page turns these codes into sentences. */
export type VerdictReason =
  | 'score_above_poppy_threshold'
  | 'score_in_uncertain_band'
  | 'score_below_uncertain_band'
  | 'poppy_family_lookalike_on_top'
  | 'best_match_not_poppy'
  | 'no_poppy_among_closest';

/** What the officer should do next; codes for the page's dictionary (snap.advice.<code>). */
export type AdviceCode =
  | 'do_not_touch'
  | 'mark_and_photograph_area'
  | 'call_in'
  | 'retake_closer'
  | 'photograph_capsule_and_leaf'
  | 'sent_for_expert_review'
  | 'carry_on_logged';
