// The README's example: a three-tier cascade over a hand-written recording (demo-recording.jsonl; not the
// output of real models). Each of the two cheaper tiers accepts its answer when the model was confident in
// it: the mean token logprob reaches its threshold, swept as `accept.mini` and `accept.mid`. From the root:
//   node --conditions=source packages/eval/src/main.ts eval --data packages/eval/examples/demo-recording.jsonl \
//     --config packages/eval/examples/demo.config.ts \
//     --sweep accept.mini=-0.5:0:0.25 --sweep accept.mid=-0.5:0:0.25 --target-accuracy 0.85 --svg /tmp/demo.svg
import { defineEvalConfig } from '@llm-cascade/eval';
import { logprobGate } from '@llm-cascade/gate-logprob';

export default defineEvalConfig({
  name: 'demo',
  // Defaults of the sweepable numbers; `--sweep accept.mini=...` overrides them per setting.
  params: { accept: { mini: -0.25, mid: -0.25 } },
  // USD per million tokens, by the model names of the recording.
  prices: {
    mini: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
    mid: { inputPerMTok: 1, outputPerMTok: 4 },
    large: { inputPerMTok: 5, outputPerMTok: 20 },
  },
  scoring: 'normalized',
  cascade: ({ provider, params }) => ({
    onExhausted: 'best',
    tiers: [
      {
        name: 'mini',
        provider,
        model: 'mini',
        repairs: 0,
        gates: [logprobGate({ measure: 'mean-logprob', threshold: params.accept.mini })],
      },
      {
        name: 'mid',
        provider,
        model: 'mid',
        repairs: 0,
        gates: [logprobGate({ measure: 'mean-logprob', threshold: params.accept.mid })],
      },
      { name: 'large', provider, model: 'large', repairs: 0, gates: [] },
    ],
  }),
});
