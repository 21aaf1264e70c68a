// WRITTEN BY HAND FOR THIS EXAMPLE: the tickets and every "model answer" below, token logprobs included, were
// written by a person to look like what a small model does on clear and on ambiguous tickets (a confident
// label, a label it hesitates over between two, an answer that is not a label at all). None of it is real
// model output. write-recording.ts turns this file into requests.jsonl and recorded/tickets.jsonl.
import type { TokenLogprob } from '@llm-cascade/core';

export interface ScriptedAnswer {
  readonly text: string;
  readonly logprobs?: readonly TokenLogprob[];
}

export interface ScriptedTicket {
  readonly id: string;
  readonly ticket: string;
  /** The label a careful person would give. */
  readonly reference: string;
  /** Each tier's answers in call order: the first answer, then the answer to a repair. */
  readonly answers: { readonly small: readonly ScriptedAnswer[]; readonly claude?: readonly ScriptedAnswer[] };
}

/** Natural-log probability, rounded as an API reports it. */
const ln = (probability: number): number => Math.round(Math.log(probability) * 10_000) / 10_000;

/**
 * An answer from its tokens: each token with its probability and, optionally, the alternatives the model
 * weighed at that position (the chosen token is listed first among them, as OpenAI does).
 */
function answer(...tokens: [token: string, probability: number, alternatives?: { [token: string]: number }][]) {
  return {
    text: tokens.map(([token]) => token).join(''),
    logprobs: tokens.map(([token, probability, alternatives]) => ({
      token,
      logprob: ln(probability),
      ...(alternatives === undefined
        ? {}
        : {
            topLogprobs: [
              { token, logprob: ln(probability) },
              ...Object.entries(alternatives).map(([other, p]) => ({ token: other, logprob: ln(p) })),
            ],
          }),
    })),
  };
}

/** Claude's API has no logprobs: its answers are text only. */
const claude = (text: string): ScriptedAnswer => ({ text });

export const tickets: readonly ScriptedTicket[] = [
  {
    id: 't-101',
    ticket: 'I was charged twice for my March subscription. Please refund one of the payments.',
    reference: 'billing',
    answers: { small: [answer(['billing', 0.98, { bug: 0.01, account: 0.005 }])] },
  },
  {
    id: 't-102',
    ticket: 'The app crashes every time I upload a PNG larger than 10 MB from the gallery.',
    reference: 'bug',
    answers: { small: [answer(['bug', 0.96, { other: 0.02, feature: 0.01 }])] },
  },
  {
    id: 't-103',
    ticket: 'How do I change the email address my account is registered under?',
    reference: 'account',
    answers: { small: [answer(['account', 0.93, { other: 0.04, billing: 0.01 }])] },
  },
  {
    id: 't-104',
    ticket: 'Could you add a dark mode to the dashboard? Working late, the white background is painful.',
    reference: 'feature-request',
    answers: { small: [answer(['feature', 0.91, { other: 0.06, bug: 0.02 }], ['-request', 0.99])] },
  },
  {
    id: 't-105',
    ticket: 'My last invoice shows our old VAT number, and the download button for the PDF does nothing.',
    reference: 'billing',
    answers: {
      // Two problems in one ticket: the small model hesitates between billing and bug.
      small: [answer(['billing', 0.55, { bug: 0.41, account: 0.02 }])],
      claude: [claude('billing')],
    },
  },
  {
    id: 't-106',
    ticket: "Since yesterday's update I can't log in: it says my password is wrong, but it works on the website.",
    reference: 'bug',
    answers: {
      small: [answer(['account', 0.48, { bug: 0.44, other: 0.04 }])],
      claude: [claude('bug')],
    },
  },
  {
    id: 't-107',
    ticket: 'Thanks a lot for the quick help yesterday, everything works now!',
    reference: 'other',
    answers: { small: [answer(['other', 0.9, { account: 0.04, bug: 0.03 }])] },
  },
  {
    id: 't-108',
    ticket: 'I want a refund. The export feature has never worked for us since we signed up in January.',
    reference: 'billing',
    answers: {
      small: [
        // Not a label: the label gate asks once more, and the second answer is unsure.
        answer(['Billing', 0.7, { Bug: 0.2 }], [' issue', 0.62], ['.', 0.9]),
        answer(['billing', 0.6, { bug: 0.37, other: 0.01 }]),
      ],
      claude: [claude('billing')],
    },
  },
  {
    id: 't-109',
    ticket: 'Your API has returned HTTP 500 for GET /v2/orders since 9:00 UTC; all other endpoints are fine.',
    reference: 'bug',
    answers: { small: [answer(['bug', 0.99, { other: 0.004 }])] },
  },
  {
    id: 't-110',
    ticket: 'Under GDPR, please delete all personal data you hold about me and confirm when it is done.',
    reference: 'account',
    answers: {
      small: [answer(['account', 0.62, { other: 0.33, billing: 0.01 }])],
      claude: [claude('account')],
    },
  },
];
