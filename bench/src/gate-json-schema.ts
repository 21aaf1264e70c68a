import { gateContext } from '@llm-cascade/core/test';
import { compileJsonSchema, jsonSchemaGate } from '@llm-cascade/gate-json-schema';
import { ratio, timeSync } from './micro.ts';
import { type BenchResult, saveResult } from './result-file.ts';
import { format } from './stats.ts';

// An invoice as a model would return it: about 1 KB of JSON with nested objects, an array, enums, numbers
// with bounds and a date-time format, against a schema of the same shape (draft 2020-12, formats asserted).
const invoice = {
  invoiceNumber: 'INV-2024-00042',
  issuedAt: '2024-11-05T09:30:00Z',
  currency: 'EUR',
  status: 'open',
  customer: {
    name: 'Acme Industrial Supplies GmbH',
    email: 'billing@acme-industrial.example',
    address: { street: 'Hauptstrasse 12', city: 'Berlin', postalCode: '10115', country: 'DE' },
    vatId: 'DE123456789',
  },
  items: Array.from({ length: 6 }, (_, i) => ({
    sku: `SKU-${1000 + i}`,
    description: `Stainless steel fastener, pack ${i + 1}`,
    quantity: 10 * (i + 1),
    unitPrice: 2.5 + i,
    taxRate: 0.19,
  })),
  notes: 'Payment within 30 days. Thank you for your business.',
  total: 1234.56,
};

const item = {
  type: 'object',
  required: ['sku', 'description', 'quantity', 'unitPrice', 'taxRate'],
  additionalProperties: false,
  properties: {
    sku: { type: 'string', pattern: '^SKU-[0-9]+$' },
    description: { type: 'string', maxLength: 200 },
    quantity: { type: 'integer', minimum: 1 },
    unitPrice: { type: 'number', minimum: 0 },
    taxRate: { type: 'number', minimum: 0, maximum: 1 },
  },
};

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['invoiceNumber', 'issuedAt', 'currency', 'status', 'customer', 'items', 'total'],
  additionalProperties: false,
  properties: {
    invoiceNumber: { type: 'string', pattern: '^INV-[0-9]{4}-[0-9]{5}$' },
    issuedAt: { type: 'string', format: 'date-time' },
    currency: { enum: ['EUR', 'USD', 'GBP'] },
    status: { enum: ['draft', 'open', 'paid', 'void'] },
    customer: {
      type: 'object',
      required: ['name', 'email', 'address'],
      properties: {
        name: { type: 'string', minLength: 1 },
        email: { type: 'string', format: 'email' },
        address: {
          type: 'object',
          required: ['street', 'city', 'postalCode', 'country'],
          properties: {
            street: { type: 'string' },
            city: { type: 'string' },
            postalCode: { type: 'string' },
            country: { type: 'string', minLength: 2, maxLength: 2 },
          },
        },
        vatId: { type: 'string' },
      },
    },
    items: { type: 'array', minItems: 1, items: item },
    notes: { type: 'string' },
    total: { type: 'number', minimum: 0 },
  },
} as const;

export async function gateJsonSchemaBench(): Promise<BenchResult> {
  const text = JSON.stringify(invoice);
  const bytes = Buffer.byteLength(text);
  const gate = jsonSchemaGate({ schema });
  const context = gateContext({ text });
  const first = gate.evaluate(context);
  if (first instanceof Promise || first.status !== 'pass') throw new Error('the benchmark answer must pass the schema');
  const rounds = 11;
  const iterations = 5_000;
  const evaluate = timeSync(() => gate.evaluate(context), rounds, iterations);
  const validator = compileJsonSchema({ schema });
  const parsed = JSON.parse(text) as unknown;
  const validateOnly = timeSync(() => validator.validate(parsed), rounds, iterations);
  const parseOnly = timeSync(() => JSON.parse(text), rounds, iterations);
  // A failing answer costs more: the errors are collected and the repair feedback written.
  const invalid = gateContext({ text: text.replace('"quantity": 10', '"quantity": "10"') });
  const failing = timeSync(() => gate.evaluate(invalid), rounds, iterations / 4);

  const target = 0.01;
  const markdown = [
    `\`jsonSchemaGate\` on a ${bytes.toLocaleString('en')}-byte invoice (nested objects, a 6-item array, patterns, enums,`,
    'a date-time and an email format; draft 2020-12), with the validator compiled once and cached. Median over',
    `${rounds} rounds of ${iterations.toLocaleString('en')} calls.`,
    '',
    '| measure | per call | target | ratio to target |',
    '| --- | --- | --- | --- |',
    `| gate evaluate: extract, parse and validate a passing answer | ${format.us(evaluate.medianMs)} | 10 µs | ${ratio(evaluate.medianMs, target)} |`,
    `| of which the cached validator alone (parsed value) | ${format.us(validateOnly.medianMs)} | 10 µs | ${ratio(validateOnly.medianMs, target)} |`,
    `| of which \`JSON.parse\` alone | ${format.us(parseOnly.medianMs)} | | |`,
    `| gate evaluate, failing answer (errors and repair feedback) | ${format.us(failing.medianMs)} | | |`,
  ].join('\n');
  return saveResult({
    name: 'gate-json-schema',
    title: 'JSON-schema gate, 1 KB object',
    command: 'scripts/with-node pnpm bench gate-json-schema',
    markdown,
    figures: {
      bytes,
      evaluateUs: evaluate.medianMs * 1000,
      validateUs: validateOnly.medianMs * 1000,
      parseUs: parseOnly.medianMs * 1000,
      failingUs: failing.medianMs * 1000,
      ratio: evaluate.medianMs / target,
      validatorRatio: validateOnly.medianMs / target,
    },
  });
}
