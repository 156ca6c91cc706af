import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../i18n/index.js';
import { AnswerView } from './AnswerView.js';
import type { SnapAnswer } from './types.js';

const answer = (over: Partial<SnapAnswer> = {}): SnapAnswer => ({
  id: 7,
  verdict: 'uncertain',
  poppyScore: 0.42,
  reasons: ['score_in_uncertain_band'],
  top: [
    { label: 'corn_poppy', score: 0.4, en: 'corn poppy (Papaver rhoeas)', zh: '虞美人（丽春花）', poppy: true },
    { label: 'tulip', score: 0.2, en: 'tulip', zh: '郁金香', poppy: false },
    { label: 'anemone', score: 0.1, en: 'windflower', zh: '银莲花', poppy: false },
  ],
  advice: ['retake_closer', 'photograph_capsule_and_leaf', 'sent_for_expert_review'],
  thresholds: { poppy: 0.6, uncertainLow: 0.3 },
  location: { lat: 25.040001, lon: 102.710002, source: 'exif', accuracyM: null },
  siteId: 12,
  imageId: 3,
  detectionId: 4,
  note: 'by the shed',
  photo: { sha256: 'a'.repeat(64), width: 4000, height: 3000, type: 'jpeg' },
  model: { name: 'poppywatch-mnv2', version: '1.0.0' },
  createdAt: '2026-11-30T02:00:00.000Z',
  ...over,
});

afterEach(() => {
  cleanup();
  setLang('en');
});

describe('AnswerView', () => {
  it('shows the verdict, the confidence, three look-alikes in both languages and what to do', () => {
    setLang('en');
    const onNew = vi.fn();
    render(<AnswerView answer={answer()} onNew={onNew} />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('UNCERTAIN — needs an expert');
    expect(screen.getByTestId('poppy-score').textContent).toBe('Poppy score 42%');
    const items = screen.getByTestId('lookalikes').querySelectorAll('li');
    expect(items).toHaveLength(3);
    expect(items[0].textContent).toContain('corn poppy (Papaver rhoeas)');
    expect(items[0].textContent).toContain('虞美人（丽春花）');
    expect(screen.getByText(/Take another photo closer/)).toBeTruthy();
    expect(screen.getAllByText(/trained on very few real opium poppy photos/).length).toBeGreaterThan(0);
    expect(screen.getByTestId('answer-location').textContent).toContain('Place from the photo’s GPS: 25.040001, 102.710002');
    expect(screen.getByText('Logged as site #12 for review.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Snap another plant' }));
    expect(onNew).toHaveBeenCalledOnce();
  });

  it('tells an officer facing poppy not to touch and to call in, in Chinese', () => {
    setLang('zh');
    render(<AnswerView answer={answer({ verdict: 'poppy', poppyScore: 0.91, advice: ['do_not_touch', 'mark_and_photograph_area', 'call_in'] })} onNew={() => undefined} />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('疑似罂粟 — 按罂粟处理');
    expect(screen.getByText(/不要触碰、采摘或毁坏植株/)).toBeTruthy();
    expect(screen.getByText(/立即向值班负责人报告/)).toBeTruthy();
    expect(screen.getByTestId('snap-answer').getAttribute('data-verdict')).toBe('poppy');
  });

  it('opens scrolled to the verdict (the officer pressed send at the bottom of the form)', () => {
    const scrolled: Element[] = [];
    const original = Element.prototype.scrollIntoView;
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
    try {
      render(<AnswerView answer={answer()} onNew={() => undefined} />);
      expect(scrolled).toEqual([screen.getByTestId('verdict-banner')]);
      expect(document.activeElement).toBe(screen.getByTestId('verdict-banner'));
    } finally {
      Element.prototype.scrollIntoView = original;
    }
  });
});
