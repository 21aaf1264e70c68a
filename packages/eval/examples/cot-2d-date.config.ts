// CoT-2D-Vote on DATE: the same cascade, voting over two chain-of-thought demonstration sets instead of
// chain of thought and program of thought (see mot-date-shared.ts; `pairing` 0 to 3).
import { motDateConfig } from './mot-date-shared.ts';

export default motDateConfig('cot_2d_vote');
