import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configJsonSchemaText } from '../config/json-schema.js';

// `npm run schema`: regenerate config/dossier.schema.json from the zod schema.
const target = fileURLToPath(new URL('../../../config/dossier.schema.json', import.meta.url));
writeFileSync(target, configJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
