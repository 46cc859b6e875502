import { readFile, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { stringify } from 'yaml';
import type { Archive } from '../archive/store.js';
import { findService, type Config } from '../config/normalize.js';
import { listCases, resolveCasesInTx } from '../ledger/cases.js';
import type { Ledger } from '../ledger/ledger.js';
import { writeFileAtomic } from '../lib/atomic-file.js';
import type { Clock } from '../lib/clock.js';
import { PermanentError, UsageError, errorCode } from '../lib/errors.js';
import { sha256 } from '../lib/hash.js';
import { newRunId } from '../lib/ids.js';
import type { EvidenceRef } from '../lib/result.js';
import { loadInventory } from './load.js';
import { normalize, parseInventory, snapshot, type Inventory } from './schema.js';

/**
 * The filed baseline: reading it for the check, and `dossier baseline accept`, which records that
 * a change filing went through: the current inventory becomes the baseline file, the replaced
 * one is archived (versioned, with sha256), and the open feature-change cases of the service are
 * resolved with the filing reference, who and when (one ledger transaction with an `events` row).
 *
 * Archive layout: `<archive>/<service>/_baselines/<YYYY-MM-DD>/<acceptId>/` with
 * `previous-baseline.yaml`, `accepted-baseline.yaml`, `acceptance.json` and `manifest.json`; the
 * leading underscore keeps it apart from check ids, which cannot start with one. The `events`
 * row lists these files with their hashes, so `dossier verify` checks them like run evidence.
 */

export async function readBaseline(path: string): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const why = errorCode(err) === 'ENOENT' ? 'the file does not exist' : (errorCode(err) ?? String(err));
    throw new PermanentError(`cannot read the baseline ${path}: ${why}; write the feature set as filed there, or run \`dossier baseline accept <service> --ref <filing reference>\``, { cause: err });
  }
  return parseInventory(text, path);
}

export interface AcceptRequest {
  service: string;
  ref: string;
  by: string;
  note?: string;
  env?: NodeJS.ProcessEnv;
}

export interface AcceptOutcome {
  service: string;
  ref: string;
  by: string;
  at: string;
  version: number;
  baselineFile: string;
  previous?: { sha256: string; fileSha256: string };
  accepted: { sha256: string; fileSha256: string };
  unchanged: boolean;
  resolvedCases: string[];
  evidence: EvidenceRef[];
}

export async function acceptBaseline(deps: { config: Config; ledger: Ledger; archive: Archive; clock: Clock }, req: AcceptRequest): Promise<AcceptOutcome> {
  const { config, ledger, archive, clock } = deps;
  const service = findService(config, req.service);
  if (!service) throw new UsageError(`no service "${req.service}" in ${config.file}; services: ${config.services.map((s) => s.id).join(', ')}`);
  if (!service.baseline) throw new UsageError(`service ${service.id} has no baseline file in config; set services[${service.id}].baseline first`);
  if (!service.sources.inventory) throw new UsageError(`service ${service.id} has no inventory source; set services[${service.id}].sources.inventory first`);
  if (!req.ref.trim()) throw new UsageError('--ref must name the filing reference (变更备案编号 or the approval document)');

  const now = clock.now().setZone(config.timezone);
  const at = now.toISO()!;
  const { inventory } = await loadInventory(service.sources.inventory, { env: req.env });
  const accepted = snapshot(inventory);
  const previousText = await readFile(service.baseline, 'utf8').catch((err: unknown) => {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  });
  // A previous baseline that no longer parses is still archived byte for byte; it is replaced.
  let previousSha: string | undefined;
  try {
    previousSha = previousText === undefined ? undefined : snapshot(parseInventory(previousText, service.baseline)).sha256;
  } catch {
    previousSha = undefined;
  }
  const version = (await ledger.query("SELECT seq FROM events WHERE event = 'baseline-accepted' AND service_id = ?", [service.id])).length + 1;
  const text = baselineText(inventory, { service: service.id, ref: req.ref, by: req.by, date: now.toISODate()!, version });

  const acceptId = newRunId(now);
  const writer = await archive.openRun({ service: service.id, check: '_baselines', period: now.toISODate()!, runId: acceptId }, at);
  if (previousText !== undefined) await writer.writeFile('previous-baseline.yaml', previousText);
  await writer.writeFile('accepted-baseline.yaml', text);
  const previous = previousText === undefined ? undefined : { sha256: previousSha ?? '(not a valid inventory)', fileSha256: sha256(previousText) };
  const acceptedInfo = { sha256: accepted.sha256, fileSha256: sha256(text) };
  await writer.writeJson('acceptance.json', { service: service.id, ref: req.ref, by: req.by, at, note: req.note, version, baselineFile: basename(service.baseline), previous, accepted: acceptedInfo });
  const evidence = await writer.finalize();

  try {
    await writeFileAtomic(service.baseline, text);
  } catch (err) {
    throw new PermanentError(`cannot write the baseline file ${service.baseline}: ${errorCode(err) ?? String(err)}; baseline accept needs write access to it (a read-only config mount?)`, { cause: err });
  }
  try {
    const resolvedCases = await ledger.transaction(async (tx) => {
      await tx.lock();
      const open = (await listCases(tx, { service: service.id, open: true })).filter((c) => c.type === 'feature-changes');
      const resolved = await resolveCasesInTx(tx, open, { reason: 'baseline-accepted', at, by: req.by, ref: req.ref, ...(req.note ? { note: req.note } : {}) });
      const ids = resolved.map((c) => c.caseId);
      await tx.append({
        table: 'events',
        event: 'baseline-accepted',
        keys: { subject: `baseline:${service.id}`, service_id: service.id },
        body: { service: service.id, ref: req.ref, by: req.by, at, note: req.note, version, baselineFile: service.baseline, previous, accepted: acceptedInfo, resolvedCases: ids, evidence },
      });
      return ids;
    });
    return {
      service: service.id,
      ref: req.ref,
      by: req.by,
      at,
      version,
      baselineFile: service.baseline,
      previous,
      accepted: acceptedInfo,
      unchanged: previousSha === accepted.sha256,
      resolvedCases,
      evidence,
    };
  } catch (err) {
    // Not recorded, so not accepted: put the previous baseline back.
    if (previousText === undefined) await rm(service.baseline, { force: true });
    else await writeFileAtomic(service.baseline, previousText);
    throw err;
  }
}

function baselineText(inv: Inventory, meta: { service: string; ref: string; by: string; date: string; version: number }): string {
  const header = [
    `# Filed feature set of "${meta.service}" (备案时的功能清单), version ${meta.version}.`,
    `# Accepted ${meta.date} by ${meta.by}, filing reference: ${meta.ref.replace(/\s+/g, ' ')}`,
    '# Written by `dossier baseline accept`; earlier versions are kept in the evidence archive.',
  ];
  return `${header.join('\n')}\n${stringify(normalize(inv), { lineWidth: 0 })}`;
}

