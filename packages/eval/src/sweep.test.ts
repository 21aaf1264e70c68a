import { describe, expect, it } from 'vitest';
import { applyParams, flattenParams } from './params.ts';
import { parseSweep, sweepGrid } from './sweep.ts';

describe('parseSweep', () => {
  it('expands an inclusive range without float noise', () => {
    expect(parseSweep('vote.threshold=0.1:0.3:0.1')).toEqual({ param: 'vote.threshold', values: [0.1, 0.2, 0.3] });
    expect(parseSweep('t=-1:0:0.25').values).toEqual([-1, -0.75, -0.5, -0.25, 0]);
    expect(parseSweep('k=1:10:4').values).toEqual([1, 5, 9]);
  });

  it('takes a list of values', () => {
    expect(parseSweep('accept.first=0.5,0.9,0.99')).toEqual({ param: 'accept.first', values: [0.5, 0.9, 0.99] });
    expect(parseSweep('x=3').values).toEqual([3]);
  });

  it('names the problem in a malformed spec', () => {
    expect(() => parseSweep('threshold')).toThrow(/sweep: 'threshold': expected param=/);
    expect(() => parseSweep('t=0:1')).toThrow(/from:to:step/);
    expect(() => parseSweep('t=0:1:0')).toThrow(/step must be above 0/);
    expect(() => parseSweep('t=1:0:0.1')).toThrow(/to must be at least from/);
    expect(() => parseSweep('t=a,b')).toThrow(/is not a number/);
    expect(() => parseSweep('t=1,1')).toThrow(/repeated value/);
    expect(() => parseSweep('t=0:1:0.00001')).toThrow(/more than 10000/);
  });
});

describe('sweepGrid', () => {
  it('is the cartesian product, first axis slowest; no axes is one default setting', () => {
    expect(sweepGrid([])).toEqual([{}]);
    expect(
      sweepGrid([
        { param: 'a', values: [1, 2] },
        { param: 'b', values: [10, 20, 30] },
      ]),
    ).toEqual([
      { a: 1, b: 10 },
      { a: 1, b: 20 },
      { a: 1, b: 30 },
      { a: 2, b: 10 },
      { a: 2, b: 20 },
      { a: 2, b: 30 },
    ]);
  });

  it('refuses a parameter swept twice and an oversized grid', () => {
    expect(() =>
      sweepGrid([
        { param: 'a', values: [1] },
        { param: 'a', values: [2] },
      ]),
    ).toThrow(/swept twice/);
    const big = Array.from({ length: 200 }, (_, i) => i);
    expect(() =>
      sweepGrid([
        { param: 'a', values: big },
        { param: 'b', values: big },
      ]),
    ).toThrow(/40000 settings/);
  });
});

describe('params', () => {
  const defaults = { vote: { threshold: 0.6, samples: 5 }, pairing: 0 };

  it('flattens numeric leaves to dotted paths', () => {
    expect(flattenParams(defaults)).toEqual({ 'vote.threshold': 0.6, 'vote.samples': 5, pairing: 0 });
    expect(flattenParams(undefined)).toEqual({});
  });

  it('writes a setting over a copy of the defaults', () => {
    const applied = applyParams(defaults, { 'vote.threshold': 0.9, pairing: 3 });
    expect(applied).toEqual({ vote: { threshold: 0.9, samples: 5 }, pairing: 3 });
    expect(defaults.vote.threshold).toBe(0.6);
  });

  it('refuses an unknown parameter, listing the known ones, and a non-numeric leaf', () => {
    expect(() => applyParams(defaults, { 'vote.treshold': 0.9 })).toThrow(
      /unknown parameter 'vote.treshold'; the config's params are: vote.threshold, vote.samples, pairing/,
    );
    expect(() => flattenParams({ a: 'x' } as never)).toThrow(/params.a: must be a number or an object/);
    expect(() => flattenParams({ a: Number.NaN })).toThrow(/params.a: must be a finite number/);
  });
});
