// What an invoice becomes: the JSON Schema the first gate validates against (and offers to providers as a
// structured-output format), the arithmetic the second gate checks, and the system prompt every request carries.
import type { Gate, GateResult, GateValue } from '@llm-cascade/core';
import { jsonSchemaGate } from '@llm-cascade/gate-json-schema';

export const invoiceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['invoiceNumber', 'vendor', 'issueDate', 'dueDate', 'currency', 'lineItems', 'tax', 'total'],
  properties: {
    invoiceNumber: { type: 'string', minLength: 1 },
    vendor: { type: 'string', minLength: 1 },
    issueDate: { type: 'string', format: 'date' },
    dueDate: { type: ['string', 'null'], format: 'date' },
    currency: { type: 'string', enum: ['EUR', 'USD', 'GBP', 'CHF'] },
    lineItems: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['description', 'quantity', 'unitPrice', 'amount'],
        properties: {
          description: { type: 'string', minLength: 1 },
          quantity: { type: 'number' },
          unitPrice: { type: 'number' },
          amount: { type: 'number' },
        },
      },
    },
    tax: { type: 'number', minimum: 0 },
    total: { type: 'number' },
  },
} as const;

/** The schema gate: its `value` is typed from the literal schema above, by the gate itself. */
export const schemaGate = jsonSchemaGate({ schema: invoiceSchema, responseFormat: { name: 'invoice' } });

/** The invoice as the schema gate passes it on. */
export type Invoice = GateValue<typeof schemaGate>;

const CENT = 0.005;

/**
 * A gate the schema cannot express: the line amounts plus tax must make the total. It reads the value the
 * schema gate parsed, so it runs second, and its feedback tells the model the figures it got wrong.
 */
export const totalsGate: Gate<Invoice> = {
  name: 'totals-add-up',
  evaluate({ value }): GateResult<Invoice> {
    const invoice = value as Invoice;
    const lines = invoice.lineItems.reduce((sum, item) => sum + item.amount, 0);
    const expected = Math.round((lines + invoice.tax) * 100) / 100;
    if (Math.abs(expected - invoice.total) < CENT) return { status: 'pass', reason: 'ok', value: invoice };
    return {
      status: 'fail',
      reason: 'totals-mismatch',
      score: Math.abs(expected - invoice.total),
      feedback:
        `The line item amounts add up to ${lines.toFixed(2)}; with tax ${invoice.tax.toFixed(2)} that makes ` +
        `${expected.toFixed(2)}, but total is ${invoice.total.toFixed(2)}. Re-read the document: every line that ` +
        'changes the amount due (discounts, deposits, fees) must be a line item, with a negative amount for deductions.',
      details: { lines, tax: invoice.tax, total: invoice.total },
    };
  },
};

export const SYSTEM_PROMPT = [
  'You extract invoices into JSON. Reply with one JSON object and nothing else, with these fields:',
  'invoiceNumber (string), vendor (the issuing company), issueDate and dueDate (YYYY-MM-DD; dueDate null',
  'when the document gives none), currency (EUR, USD, GBP or CHF), lineItems (an array of {description,',
  'quantity, unitPrice, amount}), tax (the total tax amount, 0 when none) and total (the amount due, tax',
  'included). Numbers are plain JSON numbers: no currency signs, no thousands separators.',
].join(' ');

/** The model behind each tier, live. Offline, the replay server answers under the same names. */
export const MODELS = { small: 'gpt-4.1-mini', medium: 'gpt-4.1', claude: 'claude-sonnet-4-5' } as const;
