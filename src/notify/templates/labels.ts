import { stateLabel } from '../../lib/labels.js';

/** Human words for machine states (the shared table in src/lib/labels.ts). */
export const label = stateLabel;

/** The tone a state is shown in (matches html.ts badges). */
export function tone(state: string): string {
  return state === 'error' ? 'fail' : state;
}
