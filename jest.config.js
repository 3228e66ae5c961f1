// Jest for the whole monorepo: `unit` (specs beside the code, no services) and
// `integration` (real PostgreSQL + NATS through @agentry/testing's harness).
// See ../docs (STACK-NOTES): NestJS 12 is ESM-only, so @swc/jest also compiles those packages to CommonJS.

/** swc options matching tsconfig.base.json: legacy decorators with metadata, ES2022, CommonJS. */
function swc(syntax) {
  return [
    '@swc/jest',
    {
      jsc: {
        parser: syntax === 'typescript' ? { syntax: 'typescript', decorators: true } : { syntax: 'ecmascript', importAttributes: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ];
}

// ESM packages that must go through swc: the list STACK-NOTES verified, plus every installed package that
// declares "type": "module" (fastify's light-my-request needs `cookie`, for one), so a new ESM-only
// dependency does not break the tests with "Must use import to load ES Module".
const ESM_PACKAGES = [
  ...new Set([
    '@nestjs',
    'file-type',
    'load-esm',
    'uid',
    'strtok3',
    'token-types',
    '@tokenizer',
    'uint8array-extras',
    '@borewit',
    ...esmPackages(),
  ]),
].map((name) => name.replace(/[.+]/g, '\\$&'));

function esmPackages() {
  const fs = require('node:fs');
  const path = require('node:path');
  const root = path.join(__dirname, 'node_modules');
  const names = [];
  const visit = (dir, scope) => {
    let entries = [];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith('.')) continue;
      if (!scope && entry.startsWith('@')) {
        visit(path.join(dir, entry), entry);
        continue;
      }
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, entry, 'package.json'), 'utf8'));
        if (pkg.type === 'module') names.push(scope ? `${scope}/${entry}` : entry);
      } catch {
        // not a package
      }
    }
  };
  visit(root);
  return names;
}

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  // Every service entry point imports it first; decorator metadata and class-transformer need it.
  setupFiles: ['reflect-metadata'],
  transform: {
    '^.+\\.ts$': swc('typescript'),
    '^.+\\.m?js$': swc('ecmascript'),
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: {
    '^@agentry/([^/]+)$': '<rootDir>/libs/$1/src',
    '^@agentry/([^/]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/apps/[^/]+/dist/', '<rootDir>/libs/[^/]+/dist/'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // 2 cores: never more than two test processes at once.
  maxWorkers: 2,
  // jest reads testTimeout only at the top level, not per project
  testTimeout: 60_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.{int,e2e}-spec.ts'],
      testTimeout: 60_000,
      // One shared stack (gateway + five services) for the whole run; fault tests start their own.
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
      slowTestThreshold: 30,
    },
  ],
};
