/**
 * The layers of server/src, checked by `npm run lint` (dependency-cruiser):
 * kernel → platform → http → ledger/identity → products → app → runtime. A folder imports only
 * from layers to its left (and itself); tests and test support may reach further, since they
 * assemble real adapters. See ../shared/ARCHITECTURE.md, "Layout and the module contract".
 */
const products =
  '(ledger|identity|wallet|payments|webhooks|operations|commerce|rewards|hub|billing|approvals)';
const notTest = '\\.test\\.ts$|/test-support\\.ts$|-contract\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle-across-folders',
      severity: 'error',
      comment:
        'Two folders of server/src import each other (through any chain): one of them is in the wrong layer.',
      from: { path: '^server/src/([^/]+)/' },
      to: { circular: true, viaSomeNot: '^server/src/$1/' },
    },
    {
      name: 'kernel-imports-only-kernel',
      severity: 'error',
      from: { path: '^server/src/kernel/' },
      to: { path: '^server/src/', pathNot: '^server/src/kernel/' },
    },
    {
      name: 'platform-imports-only-kernel',
      severity: 'error',
      comment: 'Ports and the platform pieces know nothing of HTTP, products or runtimes.',
      from: { path: '^server/src/platform/', pathNot: notTest },
      to: { path: '^server/src/', pathNot: '^server/src/(kernel|platform)/' },
    },
    {
      name: 'http-imports-no-product',
      severity: 'error',
      comment: 'http/ is a toolkit every product uses; the app is assembled in app/.',
      from: { path: '^server/src/http/', pathNot: notTest },
      to: { path: '^server/src/', pathNot: '^server/src/(kernel|platform|http)/' },
    },
    {
      name: 'products-import-no-app-or-runtime',
      severity: 'error',
      comment: 'A product is listed by app/ and run by runtime/, never the reverse.',
      from: { path: `^server/src/${products}/`, pathNot: notTest },
      to: { path: '^server/src/(app|runtime)/' },
    },
    {
      name: 'no-other-module-store',
      severity: 'error',
      comment: 'A module reads another only through its index.ts: its items and keys are its own.',
      from: { path: `^server/src/${products}/` },
      to: { path: `^server/src/${products}/store(\\.ts$|/)`, pathNot: '^server/src/$1/' },
    },
    {
      name: 'modules-meet-through-index',
      severity: 'error',
      comment: 'Another module is reached through its index.ts only.',
      from: { path: `^server/src/${products}/`, pathNot: notTest },
      to: {
        path: `^server/src/${products}/`,
        pathNot: ['^server/src/$1/', `^server/src/${products}/index\\.ts$`],
      },
    },
    {
      name: 'app-imports-no-runtime',
      severity: 'error',
      from: { path: '^server/src/app/', pathNot: notTest },
      to: { path: '^server/src/runtime/' },
    },
    {
      name: 'local-runtime-imports-no-aws',
      severity: 'error',
      comment:
        'The local runtime runs without the AWS runtime; shared adapters (DynamoDB) live in runtime/dynamodb.',
      from: { path: '^server/src/runtime/local/' },
      to: { path: '^server/src/runtime/aws/' },
    },
    {
      name: 'aws-runtime-imports-no-local',
      severity: 'error',
      from: { path: '^server/src/runtime/aws/', pathNot: notTest },
      to: { path: '^server/src/runtime/local/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|web|dist|cdk\\.out)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
