import { z } from 'zod';
import { configSchema } from './schema.js';

/**
 * JSON Schema for editors (yaml-language-server, VS Code), generated from the zod schema so the
 * two cannot drift: `npm run schema` writes config/dossier.schema.json and a test fails when the
 * committed file differs from what the schema generates.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://dossier.local/schema/dossier.schema.json',
    title: 'Dossier configuration',
  };
}

export function configJsonSchemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + '\n';
}
