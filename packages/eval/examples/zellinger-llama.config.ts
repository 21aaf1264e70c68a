// Three-tier logprob cascade: Llama 3.1 8B -> 70B -> 405B (see zellinger-shared.ts). From the repository root:
//   node --conditions=source packages/eval/src/main.ts import zellinger ../shared/data/zellinger_llm_cascades \
//     --benchmark mmlu --output /tmp/mmlu.jsonl
//   node --conditions=source packages/eval/src/main.ts eval --data /tmp/mmlu.jsonl \
//     --config packages/eval/examples/zellinger-llama.config.ts \
//     --sweep accept.first=0.5,0.8,0.9,0.95,0.99 --sweep accept.second=0.5,0.8,0.9,0.95,0.99 --svg /tmp/mmlu.svg
import { zellingerConfig } from './zellinger-shared.ts';

export default zellingerConfig(['llama3.1-8b', 'llama3.1-70b', 'llama3.1-405b']);
