import { z } from 'zod';
import { problemsFromZod } from '../config/issues.js';
import { formatProblem, lineOf, parseSource } from '../config/source.js';
import { PermanentError } from '../lib/errors.js';
import { canonicalJson, sha256 } from '../lib/hash.js';

/**
 * The feature inventory (spec 4.2): one format for what the service runs today (the inventory)
 * and what was filed (the baseline), so both are read, normalized and compared the same way.
 *
 * Strict: an unknown key is an error, because a typo in a filed baseline (`feature:` for
 * `features:`) must not silently empty it. Versions may be written unquoted (`version: 2.1`) and
 * are compared as text; quote them when trailing zeros matter ("2.10").
 */

const text = z.string().trim().min(1);
const values = z.array(text).default([]);

const featureSchema = z.strictObject({
  id: text.describe('Stable feature id; a change of id reads as one feature removed and one added.'),
  name: text.describe('Feature name as filed / as shown to users.'),
  description: z.string().optional(),
  audiences: z.array(text).optional().describe('Who may use this feature, when narrower or wider than scope.audiences; `public` = the general public.'),
});

export const inventorySchema = z.strictObject({
  model: z.strictObject({
    name: text,
    version: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), text),
    base: text.optional().describe('Base model the service is built on.'),
  }),
  features: z
    .array(featureSchema)
    .default([])
    .superRefine((features, ctx) => {
      const seen = new Set<string>();
      features.forEach((f, i) => {
        if (seen.has(f.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'is a duplicate feature id; feature ids must be unique' });
        seen.add(f.id);
      });
    }),
  scope: z
    .strictObject({ audiences: values, regions: values, channels: values })
    .default({ audiences: [], regions: [], channels: [] }),
});

export type Inventory = z.output<typeof inventorySchema>;
export type Feature = Inventory['features'][number];
export const SCOPE_DIMENSIONS = ['audiences', 'regions', 'channels'] as const;
export type ScopeDimension = (typeof SCOPE_DIMENSIONS)[number];

/** Audience values that mean the general public (面向公众): adding such a feature needs a security assessment. */
export const PUBLIC_AUDIENCES = ['public', 'consumer'];

/**
 * Parses YAML or JSON text (JSON is YAML 1.2) into a normalized inventory. Throws a
 * PermanentError naming `where`, each problem's line and key path, and what is allowed.
 */
export function parseInventory(text: string, where: string): Inventory {
  const { source, problems } = parseSource(where, text);
  if (problems.length) throw new PermanentError(`${where} is not valid YAML or JSON: ${problems.map((p) => formatProblem(where, p)).join('; ')}`);
  const raw: unknown = source.doc.toJS();
  const parsed = inventorySchema.safeParse(raw);
  if (!parsed.success) {
    const found = problemsFromZod(parsed.error, inventorySchema, raw).map((p) => formatProblem(where, { ...p, line: lineOf(source, p.path) }));
    throw new PermanentError(`${where} is not a valid feature inventory (${found.length} problem${found.length === 1 ? '' : 's'}): ${found.join('; ')}`);
  }
  return normalize(parsed.data);
}

/** Features by id, scope values sorted and unique: the order in the file never matters. */
export function normalize(inv: Inventory): Inventory {
  const scope = Object.fromEntries(SCOPE_DIMENSIONS.map((d) => [d, [...new Set(inv.scope[d])].sort()])) as Inventory['scope'];
  const features = [...inv.features]
    .map((f) => (f.audiences ? { ...f, audiences: [...new Set(f.audiences)].sort() } : f))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { model: inv.model, features, scope };
}

/** The canonical JSON snapshot (sorted keys, normalized order) and its sha256. */
export function snapshot(inv: Inventory): { json: string; sha256: string } {
  const json = canonicalJson(normalize(inv));
  return { json, sha256: sha256(json) };
}

export function isPublicFacing(feature: Feature, inv: Inventory): boolean {
  return (feature.audiences ?? inv.scope.audiences).some((a) => PUBLIC_AUDIENCES.includes(a));
}
