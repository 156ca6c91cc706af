import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from '@testing-library/react';
import { setLang } from '../i18n/index.js';
import { caseBand, PlotEstimate } from './PlotEstimate.js';

afterEach(() => {
  cleanup();
  setLang('en');
});

describe('plot estimate on a site', () => {
  it('puts the estimate against the case bands at 500 and 3,000 plants', () => {
    expect([0, 499, 500, 2999, 3000].map(caseBand)).toEqual(['admin', 'admin', 'criminal', 'criminal', 'aggravated']);
  });

  it('says estimated from visible flowers and marks the band the estimate falls in', () => {
    render(<PlotEstimate areaM2={18.4} estimatedHeads={620} />);
    expect(screen.getByTestId('plot-heads').textContent).toContain('620');
    expect(screen.getByText(/Area ≈ 18.4 m²/)).toBeTruthy();
    expect(screen.getByText(/count on site/)).toBeTruthy();
    const current = document.querySelector('.plot-bands li.current')!;
    expect(current.getAttribute('data-band')).toBe('criminal');
  });

  it('speaks 简体中文 and shows nothing without an estimate', () => {
    setLang('zh');
    const { container } = render(<PlotEstimate areaM2={null} estimatedHeads={null} />);
    expect(container.textContent).toBe('');
    render(<PlotEstimate areaM2={2} estimatedHeads={40} />);
    expect(screen.getByText(/请现场清点/)).toBeTruthy();
    expect(document.querySelector('.plot-bands li.current')!.getAttribute('data-band')).toBe('admin');
  });
});
