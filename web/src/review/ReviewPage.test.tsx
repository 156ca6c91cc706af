import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.js';
import type { Id, SiteFeature } from '../api/types.js';
import { setLang } from '../i18n/index.js';
import { site } from '../test/fixtures.js';
import type { ReviewBody, ReviewDeps } from './controller.js';
import { ReviewPage } from './ReviewPage.js';

// Leaflet needs a real layout engine; the map is covered by the browser tests.
vi.mock('../map/SiteMap.js', () => ({ SiteMap: () => null }));

afterEach(cleanup);

function deps(sites: SiteFeature[], send?: (id: Id, body: ReviewBody) => Promise<unknown>): ReviewDeps & { sent: ReviewBody[] } {
  const sent: ReviewBody[] = [];
  return {
    sent,
    fetchSites: async () => sites,
    fetchDetail: async (id) => ({
      site: sites.find((s) => s.properties.id === id)!.properties,
      lat: 20,
      lon: 100,
      detections: [],
      history: [],
      top: [{ label: 'poppy_drone', score: 0.9 }],
      photoUrl: null,
      snapNote: null,
      flightName: 'Valley north',
    }),
    sendReview: async (id, body) => {
      sent.push(body);
      if (send) return send(id, body);
      return { ...sites.find((s) => s.properties.id === id)!.properties, status: body.decision, version: 2 };
    },
    preloadImage: () => {},
  };
}

const config = {
  basemap: { url: null, gcj02: false },
  model: { name: 'poppy', version: '1.0.0', labels: [{ id: 'poppy_drone', en: 'Poppy field (aerial)', zh: '罂粟田（航拍）', group: 'poppy' as const }] },
};

const shownSite = () => screen.getByTestId('site-panel').getAttribute('data-site-id');

describe('ReviewPage', () => {
  it('opens on the top pending site; Y confirms and shows the next; typing in the note does not trigger keys', async () => {
    setLang('en');
    const d = deps([site(1, 0.5), site(2, 0.95), site(3, 0.8), site(9, 0.99, { status: 'rejected' })]);
    render(<ReviewPage config={config} flights={[]} canReview deps={d} />);
    await waitFor(() => expect(shownSite()).toBe('2'));
    expect(screen.getByTestId('count-pending').textContent).toBe('3');
    expect(await screen.findByText('Poppy field (aerial)')).toBeTruthy();

    const note = screen.getByTestId('note');
    fireEvent.change(note, { target: { value: 'yellow flowers, check' } });
    fireEvent.keyDown(note, { key: 'y' });
    fireEvent.keyDown(note, { key: 'ArrowRight' });
    expect(shownSite()).toBe('2');

    act(() => void fireEvent.keyDown(window, { key: 'y' }));
    expect(shownSite()).toBe('3');
    expect(screen.getByTestId('count-confirmed').textContent).toBe('1');
    await waitFor(() => expect(d.sent).toEqual([{ decision: 'confirmed', note: 'yellow flowers, check', baseVersion: 1 }]));

    act(() => void fireEvent.keyDown(window, { key: ' ' }));
    expect(shownSite()).toBe('1');
    act(() => void fireEvent.keyDown(window, { key: 'ArrowLeft' }));
    expect(shownSite()).toBe('3');
    act(() => void fireEvent.keyDown(window, { key: 'u' }));
    expect(shownSite()).toBe('2');
    expect(screen.getByTestId('site-status').textContent).toBe('Pending');
  });

  it('shows a 409 conflict with the other reviewer\'s decision and lets the user choose', async () => {
    setLang('en');
    const current = { ...site(2, 0.95).properties, status: 'rejected' as const, version: 4, note: 'greenhouse' };
    const d = deps([site(2, 0.95), site(3, 0.8)], async (_id, body) => {
      if (body.baseVersion === 1) throw new ApiError(409, 'conflict', 'stale version', { error: 'conflict', current });
      return { ...current, status: body.decision, version: 5 };
    });
    render(<ReviewPage config={config} flights={[]} canReview deps={d} />);
    await waitFor(() => expect(shownSite()).toBe('2'));
    act(() => void fireEvent.keyDown(window, { key: 'y' }));
    const notice = await screen.findByTestId('conflict');
    expect(notice.textContent).toContain('Site #2 was changed by someone else');
    expect(notice.textContent).toContain('Your decision "Confirmed" was not saved. The site is now "Rejected".');
    expect(notice.textContent).toContain('greenhouse');
    expect(d.sent).toHaveLength(1);

    fireEvent.click(screen.getByRole('button', { name: 'Show site' }));
    expect(shownSite()).toBe('2');
    expect(screen.getByTestId('site-status').textContent).toBe('Rejected');
    fireEvent.click(screen.getByRole('button', { name: 'Apply mine ("Confirmed")' }));
    await waitFor(() => expect(screen.getByTestId('site-status').textContent).toBe('Confirmed'));
    expect(d.sent[1]).toEqual({ decision: 'confirmed', note: '', baseVersion: 4 });
    expect(screen.queryByTestId('conflict')).toBeNull();
  });

  it('switches to Simplified Chinese', async () => {
    setLang('zh');
    render(<ReviewPage config={config} flights={[]} canReview deps={deps([site(2, 0.95)])} />);
    await waitFor(() => expect(shownSite()).toBe('2'));
    expect(screen.getByTestId('site-status').textContent).toBe('待审核');
    expect(await screen.findByText('罂粟田（航拍）')).toBeTruthy();
    setLang('en');
  });

  it('lets a read-only role browse but not decide', async () => {
    setLang('en');
    const d = deps([site(2, 0.95), site(3, 0.8)]);
    render(<ReviewPage config={config} flights={[]} canReview={false} deps={d} />);
    await waitFor(() => expect(shownSite()).toBe('2'));
    act(() => void fireEvent.keyDown(window, { key: 'y' }));
    expect(shownSite()).toBe('2');
    act(() => void fireEvent.keyDown(window, { key: 'ArrowRight' }));
    expect(shownSite()).toBe('3');
    expect(d.sent).toHaveLength(0);
  });
});
