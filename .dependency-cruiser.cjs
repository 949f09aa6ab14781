/**
 * The module boundaries of docs/architecture.md, checked by `npm run lint` (depcruise): no import cycles;
 * `common`, `config` and `database` import no feature module; a module reads another's data through that
 * module's exported service, never its repository; the product imports neither the demo nor the bench.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Modules depend one way: a cycle means two modules that are really one, or a missing service.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'foundation-imports-no-module',
      severity: 'error',
      comment:
        "common/, config/ and database/ are below every module (the generated db.ts names modules' enums: types only).",
      from: { path: '^src/(common|config|database)/', pathNot: '^src/database/db[.]ts$' },
      to: { path: '^src/(modules|demo|scripts)/' },
    },
    {
      name: 'no-other-modules-repository',
      severity: 'error',
      comment: "Another module's data comes through its exported service; its tables and SQL stay its own.",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/.*[.]repository[.]ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'product-imports-no-demo-or-bench',
      severity: 'error',
      comment: 'The demo data and the benchmarks are not part of the product.',
      from: { path: '^src/(modules|common|config|database|app|main|worker)' },
      to: { path: '^(src/demo|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '[.]spec[.]ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
