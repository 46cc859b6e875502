#!/usr/bin/env node
// Thin launcher so `npx dossier …` works from the repository. The TypeScript sources are compiled
// to dist/ by `npm ci` (prepare) and `npm run build`; running compiled JavaScript keeps the
// daemon's start-up and memory small.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('dossier: dist/ is missing; run `npm ci` or `npm run build` in the repository first.\n');
  process.exit(2);
}
// `dossier history | head`: a reader that stops early is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
