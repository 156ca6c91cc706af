// The presence row's fit: moves the head the right way on labelled features, stays at the shipped row without data,
// stays near it with a strong pull, and the gate split holds back whole flights.
import { describe, expect, it } from 'vitest';
import type { CellGroup } from '../src/learning/cells.js';
import { fitPresence } from '../src/learning/fitPresence.js';
import { gateFlights } from '../src/learning/gateSplit.js';
import { bestPresence, figuresOf } from '../src/learning/headScore.js';
import { TOY_CHANNELS, TOY_HEAD, toyCells } from './helpers/learningFixtures.js';

const start = { weights: TOY_HEAD.weights[0], bias: TOY_HEAD.bias[0] };
const group = (kind: 'poppy' | 'lookalike' | 'background', seed: number, count = 12): CellGroup => ({ label: kind === 'poppy' ? 1 : 0, cells: toyCells(kind, count, seed), count });
const groups = [
  ...Array.from({ length: 20 }, (_, i) => group('poppy', i)),
  ...Array.from({ length: 20 }, (_, i) => group('lookalike', 100 + i)),
  ...Array.from({ length: 10 }, (_, i) => group('background', 200 + i, 16)),
];
const head = (r: { weights: number[]; bias: number }) => ({ weights: [r.weights, TOY_HEAD.weights[1], TOY_HEAD.weights[2]], bias: [r.bias, 0, 0] });

describe('fitPresence', () => {
  it('raises poppy cells and lowers look-alike cells', async () => {
    const iterations: number[] = [];
    const fit = await fitPresence(groups, TOY_CHANNELS, start, { onIteration: (i) => void iterations.push(i) });
    expect(fit.converged).toBe(true);
    expect(iterations.length).toBe(fit.iterations);
    // channel 0 marks poppy, channel 1 look-alikes: the first weight grows, the second shrinks
    expect(fit.weights[0]).toBeGreaterThan(start.weights[0]);
    expect(fit.weights[1]).toBeLessThan(start.weights[1]);
    const before = figuresOf(TOY_HEAD, groups, TOY_CHANNELS, { minScore: 0.6 });
    const after = figuresOf(head(fit), groups, TOY_CHANNELS, { minScore: 0.6 });
    expect(before).toMatchObject({ recall: 1, falseSites: 20 });
    expect(after.recall).toBe(1);
    expect(after.falseSites).toBe(0);
    // held-out look-alikes (other seeds) fall below the score too
    const unseen = group('lookalike', 999);
    expect(bestPresence(TOY_HEAD, unseen.cells, unseen.count, TOY_CHANNELS)).toBeGreaterThan(0.6);
    expect(bestPresence(head(fit), unseen.cells, unseen.count, TOY_CHANNELS)).toBeLessThan(0.6);
  });

  it('answers the shipped row when there is no data', async () => {
    const fit = await fitPresence([], TOY_CHANNELS, start);
    expect(fit.weights).toEqual(start.weights);
    expect(fit.bias).toBe(start.bias);
    expect(fit.iterations).toBe(0);
  });

  it('stays near the shipped row with little data, and nearer the stronger the pull', async () => {
    const few = [group('lookalike', 500)];
    const distance = (r: { weights: number[]; bias: number }) => Math.hypot(...r.weights.map((w, k) => w - start.weights[k]), r.bias - start.bias);
    const weak = await fitPresence(few, TOY_CHANNELS, start, { lambda: 1 });
    const strong = await fitPresence(few, TOY_CHANNELS, start, { lambda: 1000 });
    expect(distance(weak)).toBeGreaterThan(0);
    expect(distance(weak)).toBeLessThan(3);
    expect(distance(strong)).toBeLessThan(distance(weak) / 10);
  });

  it('fits 1,000 sites of 48 cells and 500 frame backgrounds of 64 cells, 32 channels, well within 60 s', async () => {
    const C = 32;
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const synth = (label: 0 | 1, count: number): CellGroup => {
      const cells = new Float32Array(count * C);
      for (let i = 0; i < cells.length; i++) cells[i] = rand() * 2 + (label === 1 && i % C === 0 ? 1 : 0);
      return { label, cells, count };
    };
    const many = [...Array.from({ length: 1000 }, (_, i) => synth(i % 2 ? 1 : 0, 48)), ...Array.from({ length: 500 }, () => synth(0, 64))];
    const t0 = performance.now();
    const fit = await fitPresence(many, C, { weights: new Array(C).fill(0.1), bias: -1 });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`fit of ${fit.cells} cells × ${C} channels: ${fit.iterations} iterations in ${seconds.toFixed(2)} s`);
    expect(fit.cells).toBe(1000 * 48 + 500 * 64);
    expect(fit.converged).toBe(true);
    expect(seconds).toBeLessThan(30);
  }, 60_000);
});

describe('gateFlights', () => {
  it('holds back about a fifth of the sites, whole flights, never every flight', () => {
    const perFlight = new Map(Array.from({ length: 10 }, (_, i) => [i + 1, 10] as [number, number]));
    const gate = gateFlights(perFlight);
    const held = [...gate].reduce((s, f) => s + perFlight.get(f)!, 0);
    expect(held).toBe(20);
    expect(gateFlights(perFlight)).toEqual(gate);
    expect(gateFlights(new Map([[7, 30]])).size).toBe(0);
    expect(gateFlights(new Map([[1, 5], [2, 5]])).size).toBe(1);
  });
});
