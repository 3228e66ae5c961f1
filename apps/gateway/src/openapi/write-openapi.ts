import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateOpenApiDocument } from './generate-openapi';

/** `npm run openapi`: writes docs/openapi.json, the committed copy a test keeps current. */
async function main(): Promise<void> {
  const target = resolve(__dirname, '../../../../docs/openapi.json');
  const doc = await generateOpenApiDocument();
  writeFileSync(target, `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`wrote ${target} (${Object.keys(doc.paths).length} paths)\n`);
}

void main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
