// An llm-cascade config file: its default export is a cascade built in code. This one replays the
// hand-written demo recording beside it, so it runs with no network and no key:
//   node packages/cli/bin/llm-cascade.js run --config packages/cli/examples/cascade.config.ts \
//     --input packages/cli/examples/requests.jsonl --output /tmp/tickets.jsonl
// For real models, build the tiers with openaiProvider / anthropicProvider instead of replayProvider.
import { fileURLToPath } from 'node:url';
import { createCascade, type Gate, type GateResult } from '@llm-cascade/core';
import { replayProvider } from '@llm-cascade/provider-replay';

const CATEGORIES = new Set(['billing', 'bug', 'account', 'other']);

interface Ticket {
  readonly category: string;
  readonly urgent: boolean;
}

/** The answer must be JSON with a known category and a boolean `urgent`; bad output fails, never throws. */
const ticketJson: Gate<Ticket> = {
  name: 'ticket-json',
  evaluate({ candidate }): GateResult<Ticket> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(candidate.text);
    } catch {
      return { status: 'fail', reason: 'not-json' };
    }
    const ticket = parsed as Partial<Ticket> | null;
    if (typeof ticket?.category !== 'string' || !CATEGORIES.has(ticket.category)) {
      return { status: 'fail', reason: 'bad-category' };
    }
    if (typeof ticket.urgent !== 'boolean') return { status: 'fail', reason: 'bad-urgent' };
    return { status: 'pass', reason: 'ok', value: { category: ticket.category, urgent: ticket.urgent } };
  },
};

const provider = replayProvider({ path: fileURLToPath(new URL('./demo-recording.jsonl', import.meta.url)) });

export default createCascade({
  name: 'support-tickets',
  tiers: [
    { name: 'small', provider, model: 'small-model', price: { inputPerMTok: 0.15, outputPerMTok: 0.6 }, repairs: 0 },
    { name: 'large', provider, model: 'large-model', price: { inputPerMTok: 2.5, outputPerMTok: 10 }, repairs: 0 },
  ],
  gates: [ticketJson],
});
