// `npm run asyncapi`: writes docs/asyncapi.json from libs/contracts' event catalog (a test keeps it current).
require('reflect-metadata');
const { writeFileSync } = require('node:fs');
const { resolve } = require('node:path');
// a subpath: the asyncapi generator is not part of the harness every test loads
const { buildAsyncApiDocument } = require('@agentry/testing/dist/asyncapi');

const target = resolve(__dirname, '../docs/asyncapi.json');
const doc = buildAsyncApiDocument();
writeFileSync(target, `${JSON.stringify(doc, null, 2)}\n`);
process.stdout.write(`wrote ${target} (${Object.keys(doc.channels).length} channels)\n`);
