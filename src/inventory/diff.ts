import { canonicalJson } from '../lib/hash.js';
import { SCOPE_DIMENSIONS, isPublicFacing, normalize, PUBLIC_AUDIENCES, type Feature, type Inventory, type ScopeDimension } from './schema.js';

/**
 * What differs between the filed baseline and the running inventory (spec 4.2). Comparison is by
 * feature id and by scope value, never by position, so reordering a file changes nothing.
 *
 * Each change has a `subject` (`feature:<id>`, `model`, `scope:<dimension>:<value>`) that,
 * with its code, identifies its case: a feature renamed twice before anyone files the change is
 * still one case with one deadline. Scope narrowing is reported but is not a case (the spec's
 * cases are the five codes below).
 */

export type ChangeCode = 'feature-added' | 'feature-removed' | 'feature-changed' | 'model-changed' | 'scope-expanded';

export interface Change {
  code: ChangeCode;
  subject: string;
  /** The filed state (absent for additions). */
  before?: unknown;
  /** The running state (absent for removals). */
  after?: unknown;
  /** A new feature, a feature newly opened to it, or a new audience, that reaches the general public: security assessment due. */
  publicFacing: boolean;
}

export interface InventoryDiff {
  changes: Change[];
  /** Scope values filed but no longer offered (informational). */
  narrowed: Array<{ dimension: ScopeDimension; value: string }>;
}

export function diffInventory(baselineIn: Inventory, currentIn: Inventory): InventoryDiff {
  const baseline = normalize(baselineIn);
  const current = normalize(currentIn);
  const changes: Change[] = [];

  const filed = new Map(baseline.features.map((f) => [f.id, f]));
  const running = new Map(current.features.map((f) => [f.id, f]));
  for (const f of current.features) {
    const was = filed.get(f.id);
    if (!was) {
      changes.push({ code: 'feature-added', subject: `feature:${f.id}`, after: f, publicFacing: isPublicFacing(f, current) });
    } else if (!sameFeature(was, f)) {
      // Opened to the public (its audiences now reach it, they did not before): a security
      // assessment is due, as for a new public feature.
      const publicFacing = isPublicFacing(f, current) && !isPublicFacing(was, baseline);
      changes.push({ code: 'feature-changed', subject: `feature:${f.id}`, before: was, after: f, publicFacing });
    }
  }
  for (const f of baseline.features) {
    if (!running.has(f.id)) changes.push({ code: 'feature-removed', subject: `feature:${f.id}`, before: f, publicFacing: false });
  }

  if (canonicalJson(baseline.model) !== canonicalJson(current.model)) {
    changes.push({ code: 'model-changed', subject: 'model', before: baseline.model, after: current.model, publicFacing: false });
  }

  const narrowed: InventoryDiff['narrowed'] = [];
  for (const dimension of SCOPE_DIMENSIONS) {
    const was = new Set(baseline.scope[dimension]);
    const now = new Set(current.scope[dimension]);
    for (const value of now) {
      if (was.has(value)) continue;
      const publicFacing = dimension === 'audiences' && PUBLIC_AUDIENCES.includes(value);
      changes.push({ code: 'scope-expanded', subject: `scope:${dimension}:${value}`, after: { dimension, value }, publicFacing });
    }
    for (const value of was) if (!now.has(value)) narrowed.push({ dimension, value });
  }
  return { changes, narrowed };
}

/** Same name, description and audiences; the rest of a feature is not filed information. */
function sameFeature(a: Feature, b: Feature): boolean {
  const filed = (f: Feature) => canonicalJson({ name: f.name, description: f.description ?? null, audiences: f.audiences ?? null });
  return filed(a) === filed(b);
}
