// MoT-1D-Vote on DATE (see mot-date-shared.ts). From the repository root:
//   node --conditions=source packages/eval/src/main.ts import mot ../shared/data/mot_cascade --samples 7 --output /tmp/date.jsonl
//   node --conditions=source packages/eval/src/main.ts eval --data /tmp/date.jsonl \
//     --config packages/eval/examples/mot-date.config.ts --sweep vote.threshold=0.4,0.5,0.55,0.6,0.65,0.7,0.8,0.9,1
import { motDateConfig } from './mot-date-shared.ts';

export default motDateConfig('mot_1d_vote');
