import { stateLabel } from '../../lib/labels.js';

/** Human words for machine states (the shared table in src/lib/labels.ts). */
export const label = stateLabel;
