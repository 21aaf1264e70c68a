import type { OpenaiModels } from './connect-models.ts';

export interface AnnounceModelsOptions {
  readonly models: Pick<OpenaiModels, 'description' | 'offline'>;
  /**
   * Printed when no real API is called. Say plainly that the replayed answers were written by hand: a reader
   * must never take them for model output.
   */
  readonly offlineNote: string;
}

/** Prints, indented under the example's heading, where each provider's answers come from. */
export function announceModels(options: AnnounceModelsOptions): void {
  for (const line of options.models.description) console.log(`  ${line}`);
  if (options.models.offline) console.log(`  ${options.offlineNote}`);
}
