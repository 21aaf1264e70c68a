import type { Ajv, SchemaValidateFunction } from 'ajv';
import { spend } from './budget.ts';
import { canonicalJson } from './validator-cache.ts';

/**
 * `uniqueItems` in time linear in the array's size: each item's canonical JSON goes into a map. ajv's own
 * keyword compares items pairwise when their type is not fixed to a scalar, which is quadratic: a 1 MiB
 * answer holds some 350,000 `{}` items, 6 * 10^10 comparisons.
 */
export function addLinearUniqueItems(ajv: Ajv): void {
  ajv.removeKeyword('uniqueItems');
  const validate: SchemaValidateFunction = (schema: unknown, data: unknown) => {
    if (schema !== true || !Array.isArray(data)) return true;
    spend(data.length);
    const seen = new Map<string, number>();
    for (let index = 0; index < data.length; index += 1) {
      const key = canonicalJson(data[index]);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        validate.errors = [
          {
            keyword: 'uniqueItems',
            message: `must NOT have duplicate items (items ## ${earlier} and ${index} are identical)`,
            params: { i: index, j: earlier },
          },
        ];
        return false;
      }
      seen.set(key, index);
    }
    return true;
  };
  ajv.addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', errors: true, validate });
}
