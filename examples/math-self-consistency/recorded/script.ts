// WRITTEN BY HAND FOR THIS EXAMPLE: the problems and every "model sample" below were written by a person to
// look like what a small and a larger model write when sampled several times at temperature 0.8 (the same
// answer by different routes, slips that split the vote, samples that stop before giving an answer, and one answer
// that is consistently wrong). None of it is real model output. write-recording.ts turns this file into
// requests.jsonl and recorded/problems.jsonl.

export interface ScriptedProblem {
  readonly id: string;
  readonly problem: string;
  /** The correct answer. */
  readonly reference: number;
  /** Each tier's samples for its one call (5 for small, 3 for large). */
  readonly samples: { readonly small: readonly string[]; readonly large?: readonly string[] };
}

export const problems: readonly ScriptedProblem[] = [
  {
    id: 'muffins',
    problem: 'A baker makes 24 muffins per tray and bakes 7 trays. She sells 150 muffins. How many muffins are left?',
    reference: 18,
    samples: {
      small: [
        '24 × 7 = 168 muffins. 168 − 150 = 18. The answer is 18.',
        'She bakes 7 trays of 24, which is 168. After selling 150 she has 18 left. The answer is 18.',
        '7 × 24 = 168; 168 - 150 = 18. The answer is **18**.',
        'Total baked: 168. Left: 168 − 150 = 18 muffins. The answer is 18 muffins.',
        '24 × 7 = 140 + 28 = 168, minus 150 gives 18. The answer is 18.',
      ],
    },
  },
  {
    id: 'train',
    problem: 'A train leaves at 9:40 and arrives at 13:05 the same day. How many minutes is the trip?',
    reference: 205,
    samples: {
      small: [
        'From 9:40 to 12:40 is 3 hours (180 minutes), and 12:40 to 13:05 is 25 minutes. The answer is 205.',
        '13:05 − 9:40 = 3 h 25 min = 205 minutes. The answer is 205.',
        '9:40 to 13:00 is 3 h 20 min = 200 min, then 5 more. The answer is 205.',
        '13:05 − 9:40: 13 − 9 = 4 hours, 5 − 40 = −35 minutes, so 4 h − 35 min = 195 minutes. The answer is 195.',
        '13.05 − 9.40 = 3.65, so 3 hours 65 minutes = 245 minutes. The answer is 245.',
      ],
    },
  },
  {
    id: 'jacket',
    problem:
      'A jacket costs $80. It is discounted by 25%, and then a further 10% is taken off the sale price. What is the final price in dollars?',
    reference: 54,
    samples: {
      small: [
        '25% off $80 is $60; 10% off $60 is $54. The answer is 54.',
        '25% + 10% = 35% off, and 35% of 80 is 28, so 80 − 28 = 52. The answer is 52.',
        '80 × 0.75 = 60, 60 × 0.9 = 54. The answer is $54.',
        'Total discount 35%: 80 × 0.65 = 52. The answer is 52.',
        'The sale price is 60, then 10% of 80 is 8 more off: 60 − 8 = 52... no, 10% of the sale price is 6, so 54. Rounding, the answer is 50.',
      ],
      large: [
        'After 25% off: 80 × 0.75 = 60. The extra 10% applies to 60: 60 × 0.9 = 54. The answer is 54.',
        'The discounts compound: 80 × 0.75 × 0.9 = 54. The answer is 54.',
        '$80 → $60 after 25% off → $54 after a further 10% off. The answer is 54.',
      ],
    },
  },
  {
    id: 'ages',
    problem: 'Tom is twice as old as Ann was when Tom was as old as Ann is now. Ann is 18. How old is Tom?',
    reference: 24,
    samples: {
      small: [
        'Let Tom be T. When Tom was 18, that was T − 18 years ago, and Ann was 18 − (T − 18) = 36 − T. So T = 2(36 − T), 3T = 72. The answer is 24.',
        'Tom is twice 18 minus the gap... T = 2 × 18 − 9 = 27. The answer is 27.',
        'Tom is twice as old as Ann, so Tom is 36. The answer is 36.',
        'T = 2(36 − T) gives T = 24. The answer is 24.',
        'Ann was 6 when Tom was 18, so Tom is twice 6 = 12. The answer is 12.',
      ],
      large: [
        'Let Tom be T. Tom was 18 (Ann’s age now) T − 18 years ago; Ann was then 18 − (T − 18) = 36 − T. Tom is twice that: T = 72 − 2T, so T = 24. The answer is 24.',
        'Age gap d = T − 18. Ann was 18 − d when Tom was 18. T = 2(18 − d) = 2(36 − T), T = 24. The answer is 24.',
        'Set T = 2 × (18 − (T − 18)) → T = 72 − 2T → 3T = 81 → T = 27. The answer is 27.',
      ],
    },
  },
  {
    id: 'pipes',
    problem:
      'Pipe A fills a tank in 6 hours and pipe B fills it in 3 hours. How many hours do they take to fill it together?',
    reference: 2,
    samples: {
      small: [
        'Rates: 1/6 + 1/3 = 1/2 tank per hour, so 2 hours. The answer is 2.',
        'Together they fill 1/6 + 2/6 = 3/6 = 1/2 per hour. The answer is 2 hours.',
        '1/(1/6 + 1/3) = 1/(0.5) = 2. The answer is 2.',
        'The average of 6 and 3 is 4.5. The answer is 4.5.',
        'A does 1/6, B does 1/3 per hour; together 1/2, so it takes 2 hours. The answer is 2.',
      ],
    },
  },
  {
    id: 'rectangle',
    problem:
      'A rectangle has a perimeter of 36 cm and its length is twice its width. What is its area in square centimetres?',
    reference: 72,
    samples: {
      small: [
        'Perimeter 2(l + w) = 36, l = 2w, so 6w = 36, w = 6, l = 12. Area = 72. The answer is 72.',
        'w + 2w = 18, w = 6 and l = 12, so the area is 72 cm². The answer is 72.',
        'Let the width be w. Then 2(2w + w) = 36, so 6w = 36 and the width is 6 cm, which makes the length',
        '6w = 36 → w = 6, l = 12 → area 12 × 6 = 72. The answer is 72.',
        'Half the perimeter is 18 = l + w. With l = 2w we get',
      ],
    },
  },
  {
    id: 'bat-and-ball',
    problem:
      'A bat and a ball cost $1.10 in total. The bat costs $1.00 more than the ball. How much does the ball cost, in cents?',
    reference: 5,
    samples: {
      small: [
        '$1.10 − $1.00 = $0.10, so the ball costs 10 cents. The answer is 10.',
        'The bat is $1.00, so the ball is the remaining 10 cents. The answer is 10.',
        'Ball = 1.10 − 1.00 = 0.10 dollars = 10 cents. The answer is 10.',
        'Subtracting, the ball costs 10¢. The answer is 10.',
        '110 − 100 = 10. The answer is 10.',
      ],
    },
  },
  {
    id: 'divisible',
    problem: 'How many positive integers below 1000 are divisible by 7 but not by 11?',
    reference: 130,
    samples: {
      small: [
        'Multiples of 7 below 1000: floor(999/7) = 142. Multiples of 77: floor(999/77) = 12. 142 − 12 = 130. The answer is 130.',
        '1000/7 = 142.86 → 142 multiples; 1000/77 = 12.99 → 13; 142 − 13 = 129. The answer is 129.',
        'There are 142 multiples of 7 below 1000. The answer is 142.',
        'floor(999/7) = 142, minus multiples of 11 (90): 52. The answer is 52.',
        '142 multiples of 7, 11 of them are also multiples of 11, so 131. The answer is 131.',
      ],
      large: [
        'Multiples of 7 up to 999: 142. Multiples of 77 up to 999: 12 (77 × 12 = 924). So 142 − 12 = 130. The answer is 130.',
        'Count multiples of 7 below 1000: 142. Among them, multiples of 77: 77 × 13 = 1001 > 999, so 12... but 0 is not positive, so 11. 142 − 11 = 131. The answer is 131.',
        '7 × 142 = 994 < 1000, so 142 multiples; 77 × 13 = 1001, so 13 multiples of 77 below 1001. 142 − 13 = 129. The answer is 129.',
      ],
    },
  },
];
