import type { CheckType } from '../src/config/schema.js';
import type { CheckHandler } from '../jobs/types.js';
import { policyFreshness } from '../jobs/policy-freshness.js';
import { featureChanges } from '../jobs/feature-changes.js';
import { complaintSla } from '../jobs/complaint-sla.js';
import { preReview } from '../jobs/pre-review.js';
import { safetyLogs } from '../jobs/safety-logs.js';

/** Check type → handler. The only place that knows which handlers exist. */
type Registry = { [T in CheckType]?: CheckHandler<T> };

export const handlers: Registry = {
  'policy-freshness': policyFreshness,
  'feature-changes': featureChanges,
  'complaint-sla': complaintSla,
  'pre-review': preReview,
  'safety-logs': safetyLogs,
};

export function handlerFor<T extends CheckType>(type: T): CheckHandler<T> | undefined {
  return handlers[type] as CheckHandler<T> | undefined;
}
