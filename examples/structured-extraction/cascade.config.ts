// The invoice cascade as a config for the `llm-cascade run` command, for batch runs and traces in Jaeger:
//
//   cd examples/structured-extraction
//   pnpm exec llm-cascade run --config cascade.config.ts --input requests.jsonl --output .cascade-out/run.jsonl \
//     --otlp http://localhost:4318
//
// Like main.ts, it calls the real APIs when OPENAI_API_KEY / ANTHROPIC_API_KEY are set, and otherwise
// starts the replay server on the hand-written recording; closing the cascade stops the server.
import { fileURLToPath } from 'node:url';
import type { Cascade } from '@llm-cascade/core';
import { connectModels } from '@llm-cascade/example-support';
import { buildInvoiceCascade } from './cascade.ts';
import type { Invoice } from './invoice.ts';

export default async function invoiceCascade(): Promise<Cascade<Invoice>> {
  const models = await connectModels({
    recording: fileURLToPath(new URL('./recorded/invoices.jsonl', import.meta.url)),
  });
  const cascade = buildInvoiceCascade(models);
  return {
    name: cascade.name,
    tiers: cascade.tiers,
    run: (request, options) => cascade.run(request, options),
    runMany: (requests, options) => cascade.runMany(requests, options),
    health: () => cascade.health(),
    audits: () => cascade.audits(),
    close: async () => {
      await cascade.close();
      await models.close();
    },
  };
}
