// Two-tier logprob cascade: gpt-4o-mini -> gpt-4o (see zellinger-shared.ts).
//   node --conditions=source packages/eval/src/main.ts eval --data /tmp/mmlu.jsonl \
//     --config packages/eval/examples/zellinger-openai.config.ts --sweep accept.first=0:1:0.05 --target-accuracy 0.85
import { zellingerConfig } from './zellinger-shared.ts';

export default zellingerConfig(['gpt-4o-mini', 'gpt-4o']);
