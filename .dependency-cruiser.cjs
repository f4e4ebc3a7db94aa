// The direction of the arrows (STYLE.md, "Where things live"; issue 16), kept by `npm run deps` in `npm test`.
// functions/ and smpp-node/ -> lib/domain -> lib/ports; adapters only from the wiring modules; no cycles,
// type-only imports included. Inside smpp-node the rooms call downwards only:
//   main.ts -> node/ -> edge/, commands/ -> bridge/ -> session/   (upstream/ -> session/)
const tests = '(\\.test\\.ts$|/testing/|^test/|^bench/)'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'lib-is-shared',
      comment: 'lib/ is shared by every runtime and knows none of them.',
      severity: 'error',
      from: { path: '^lib/', pathNot: ['^lib/ports/contract/', tests] },
      to: { path: '^(functions|smpp-node|infra|bench|test)/' },
    },
    {
      name: 'domain-sees-ports',
      comment: 'Domain rules see ports, never an adapter or a runtime (pure core, deps first).',
      severity: 'error',
      from: { path: '^lib/domain/', pathNot: tests },
      to: { path: '^lib/adapters/' },
    },
    {
      name: 'ports-below-domain',
      comment: 'Ports use the domain model types only (lib/domain/model.ts, jobs.ts), never a rule module.',
      severity: 'error',
      from: { path: '^lib/ports/', pathNot: '^lib/ports/contract/' },
      to: { path: '^lib/(adapters|domain/(?!model\\.ts$|jobs\\.ts$))' },
    },
    {
      name: 'adapters-only-from-wiring',
      comment:
        'Each runtime wires its adapters in one place. Exempt: the adapters themselves, the contract suites, the local ' +
        "stack (it is a wiring of its own), the admin command (the wiring of `npm run admin`), the bootstrap custom resources' " +
        'function (one module that builds its own clients), tests, test helpers and the ' +
        'bench (they build stores to run against).',
      severity: 'error',
      from: {
        pathNot: [
          '^lib/adapters/',
          '^lib/ports/contract/',
          '^functions/wiring\\.ts$',
          '^smpp-node/main\\.ts$',
          '^infra/admin/main\\.ts$',
          '^infra/cdk/bootstrap/handler\\.ts$',
          '^infra/local/',
          '^functions/api/fixture\\.ts$',
          tests,
        ],
      },
      to: { path: '^lib/adapters/' },
    },
    {
      name: 'memory-is-not-dynamo',
      comment: 'The memory adapters share key builders with the DynamoDB ones (lib/adapters/keys.ts), not their code.',
      severity: 'error',
      from: { path: '^lib/adapters/memory/' },
      to: { path: '^lib/adapters/(?!memory/|keys\\.ts$)' },
    },
    {
      name: 'runtimes-apart',
      comment: 'The Lambda handlers and the node share lib/, not each other.',
      severity: 'error',
      from: { path: '^(functions|smpp-node)/' },
      to: { path: '^(functions|smpp-node)/', pathNot: '^$1/' },
    },
    {
      name: 'session-is-the-floor',
      comment: 'The session engine knows no command, bridge, edge or node: they are handed in.',
      severity: 'error',
      from: { path: '^smpp-node/session/', pathNot: tests },
      to: { path: '^smpp-node/(commands|bridge|edge|node|upstream)/' },
    },
    {
      name: 'commands-call-down',
      comment: 'Commands get a Session and their services: the edge and the node reach them as interfaces.',
      severity: 'error',
      from: { path: '^smpp-node/commands/', pathNot: tests },
      to: { path: '^smpp-node/(edge|node|upstream)/' },
    },
    {
      name: 'bridge-calls-down',
      comment: 'The bridge answers sessions and talks to queues and stores; it does not call back up.',
      severity: 'error',
      from: { path: '^smpp-node/bridge/', pathNot: tests },
      to: { path: '^smpp-node/(commands|edge|node|upstream)/' },
    },
    {
      name: 'edge-calls-down',
      comment: 'Listeners hand streams to an Acceptor (the node, wired by main.ts).',
      severity: 'error',
      from: { path: '^smpp-node/edge/', pathNot: tests },
      to: { path: '^smpp-node/(commands|bridge|node|upstream)/' },
    },
    {
      name: 'upstream-apart',
      comment: 'The carrier binds share the session engine and the token bucket (edge/throttle.ts), nothing of the server side.',
      severity: 'error',
      from: { path: '^smpp-node/upstream/', pathNot: tests },
      to: { path: '^smpp-node/(commands|bridge|node)/|^smpp-node/edge/(?!throttle\\.ts$)' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|cdk\\.out|\\.data|dist)/' },
  },
}
