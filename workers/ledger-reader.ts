import type { Ledger } from '../src/ledger/ledger.js';
import { obligationCompletions } from '../src/ledger/obligations.js';
import { openCases } from '../src/ledger/open-cases.js';
import { latestResult, previousResults } from '../src/ledger/runs.js';
import type { LedgerReader } from '../jobs/types.js';

/** The read-only slice of the ledger that handlers get. */
export function ledgerReader(ledger: Ledger): LedgerReader {
  return {
    previousResults: (check, before, limit) => previousResults(ledger, check, before, limit),
    latestResult: (check, periodKey) => latestResult(ledger, check, periodKey),
    openCases: (service) => openCases(ledger, service),
    obligationCompletions: (service, obligation) => obligationCompletions(ledger, service, obligation),
  };
}
