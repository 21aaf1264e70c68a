import { afterEach, describe, expect, it, vi } from 'vitest';
import { announceModels } from './announce-models.ts';

afterEach(() => vi.restoreAllMocks());

describe('announceModels', () => {
  it('prints each source indented, and the note only when nothing real is called', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const offlineNote = 'the replayed answers were written by hand';
    announceModels({
      models: { description: ['OpenAI tiers: replay', 'Claude tier: replay'], offline: true },
      offlineNote,
    });
    announceModels({ models: { description: ['models: the real OpenAI API'], offline: false }, offlineNote });
    expect(log.mock.calls).toEqual([
      ['  OpenAI tiers: replay'],
      ['  Claude tier: replay'],
      ['  the replayed answers were written by hand'],
      ['  models: the real OpenAI API'],
    ]);
  });
});
