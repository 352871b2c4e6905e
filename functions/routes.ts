/** Every HTTP route and the entry file that serves it: read by the local runner and the CDK stack. */
export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway route syntax: `{name}` is a path parameter. */
  path: string;
  /** The file `functions/<entry>.ts` that exports `handler`. */
  entry: string;
  /**
   * A read of records may move a head forward when an interrupted change left it behind, or clear a
   * stale marker (functions/store/records.ts), so it needs PutItem even though it only answers GET.
   */
  repairsHeads?: true;
  /** A POST that only reads (its body carries filters, not a change), so it is granted reads as a GET is. */
  readsOnly?: true;
  /** Admits jobs and hands them to the worker (asynchronous invocation), so it may invoke it. */
  startsJobs?: true;
  /** What it does with the evidence bucket, so the stack grants exactly that (infra/cloud/constructs/evidence.ts). */
  evidence?: 'sign' | 'finalise' | 'read';
  /** A county read: it appends to the unit's access log, so it needs PutItem though it only answers GET. */
  writesAccessLog?: true;
  /** Creates, disables and enables people's accounts at the identity provider (core/roster/identity.ts). */
  managesAccounts?: true;
}

/**
 * The worker's entry `functions/<entry>.ts`: it runs jobs (invoked asynchronously by the routes that
 * admit them), the monthly schedule and the sweep. The CDK stack builds it by this name.
 *
 * `nodeOptions` go to its Node process, in Lambda and in the local runner alike. V8 lets garbage
 * grow with the heap's limit: under the default limit (gigabytes) a 100,000-record job's garbage
 * (records and zip buffers promoted while the 记录详情 is written) took the worker to 280 MB; with
 * 512 MB V8 collects sooner and the job peaked at 194 MB. What a compilation keeps live is far less.
 */
export const WORKER = { entry: 'worker', nodeOptions: '--max-old-space-size=512' } as const;

/** The table's stream consumer `functions/<entry>.ts`: keeps the county view's snapshots current in the cloud. */
export const SNAPSHOT_STREAM = { entry: 'snapshot-stream' } as const;

export const ROUTES: readonly RouteDef[] = [
  { method: 'GET', path: '/api/templates', entry: 'list-templates' },
  { method: 'GET', path: '/api/templates/{id}', entry: 'get-template' },
  { method: 'GET', path: '/api/me', entry: 'get-me' },
  { method: 'GET', path: '/api/organisation', entry: 'get-organisation' },
  { method: 'POST', path: '/api/submissions', entry: 'create-submission' },
  { method: 'GET', path: '/api/submissions', entry: 'list-submissions', repairsHeads: true },
  { method: 'POST', path: '/api/submissions/export', entry: 'export-submissions', readsOnly: true, repairsHeads: true },
  { method: 'GET', path: '/api/submissions/{id}', entry: 'get-submission', repairsHeads: true },
  { method: 'POST', path: '/api/submissions/{id}/attachments', entry: 'create-attachment', evidence: 'sign' },
  { method: 'POST', path: '/api/submissions/{id}/attachments/{aid}/finalise', entry: 'finalise-attachment', evidence: 'finalise' },
  { method: 'GET', path: '/api/submissions/{id}/attachments/{aid}', entry: 'get-attachment', repairsHeads: true, evidence: 'read' },
  { method: 'DELETE', path: '/api/submissions/{id}/attachments/{aid}', entry: 'delete-attachment' },
  { method: 'PUT', path: '/api/submissions/{id}', entry: 'update-submission' },
  { method: 'DELETE', path: '/api/submissions/{id}', entry: 'withdraw-submission' },
  { method: 'GET', path: '/api/submissions/{id}/history', entry: 'get-submission-history', repairsHeads: true },
  { method: 'POST', path: '/api/submissions/{id}/review', entry: 'review-submission' },
  { method: 'POST', path: '/api/submissions/{id}/restore', entry: 'restore-submission' },
  { method: 'GET', path: '/api/review-queue', entry: 'get-review-queue', repairsHeads: true },
  { method: 'GET', path: '/api/compliance', entry: 'get-compliance', repairsHeads: true },
  { method: 'GET', path: '/api/me/obligations', entry: 'get-my-obligations', repairsHeads: true },
  { method: 'GET', path: '/api/assessment', entry: 'get-assessment', repairsHeads: true },
  { method: 'PUT', path: '/api/assessment/{period}/items/{itemId}', entry: 'set-assessment-score' },
  { method: 'GET', path: '/api/reminders', entry: 'list-reminders', repairsHeads: true },
  { method: 'POST', path: '/api/reminders/send', entry: 'send-reminders' },
  { method: 'GET', path: '/api/reminders/log', entry: 'get-reminder-log' },
  { method: 'POST', path: '/api/compilations', entry: 'create-compilation', startsJobs: true },
  { method: 'GET', path: '/api/compilations', entry: 'list-compilations' },
  { method: 'GET', path: '/api/compilations/{id}', entry: 'get-compilation' },
  { method: 'GET', path: '/api/compilations/{id}/file', entry: 'get-compilation-file' },
  { method: 'GET', path: '/api/roster', entry: 'get-roster' },
  { method: 'GET', path: '/api/roster/history', entry: 'get-roster-history' },
  { method: 'POST', path: '/api/roster/people', entry: 'create-roster-person', managesAccounts: true },
  { method: 'PUT', path: '/api/roster/people/{id}', entry: 'update-roster-person', managesAccounts: true },
  { method: 'POST', path: '/api/roster/divisions', entry: 'create-roster-division' },
  { method: 'PUT', path: '/api/roster/divisions/{id}', entry: 'update-roster-division' },
  { method: 'GET', path: '/api/roster/import', entry: 'get-roster-template' },
  { method: 'POST', path: '/api/roster/import', entry: 'import-roster' },
  { method: 'POST', path: '/api/archives', entry: 'create-archive', startsJobs: true },
  { method: 'GET', path: '/api/archives', entry: 'list-archives' },
  { method: 'GET', path: '/api/archives/{id}', entry: 'get-archive' },
  { method: 'GET', path: '/api/archives/{id}/file', entry: 'get-archive-file' },
  // Rectification (整改销号, DESIGN §15): items are made from inspections' findings, so there is no create.
  { method: 'GET', path: '/api/rectifications', entry: 'list-rectifications', repairsHeads: true },
  { method: 'GET', path: '/api/rectifications/{id}', entry: 'get-rectification', repairsHeads: true },
  { method: 'PUT', path: '/api/rectifications/{id}', entry: 'update-rectification' },
  { method: 'POST', path: '/api/rectifications/{id}/transition', entry: 'transition-rectification' },
  // The county view (DESIGN §14): read-only, each read written to the unit's access log.
  { method: 'GET', path: '/api/county/overview', entry: 'get-county-overview', writesAccessLog: true },
  { method: 'GET', path: '/api/county/units/{unit}/compliance', entry: 'get-county-unit-compliance', writesAccessLog: true },
  { method: 'GET', path: '/api/county/units/{unit}/assessment', entry: 'get-county-unit-assessment', writesAccessLog: true },
  { method: 'GET', path: '/api/county/units/{unit}/compilations', entry: 'list-county-unit-compilations', writesAccessLog: true },
  { method: 'GET', path: '/api/county/units/{unit}/compilations/{id}/file', entry: 'get-county-compilation-file', writesAccessLog: true },
  { method: 'GET', path: '/api/county/units/{unit}/archives/{id}/file', entry: 'get-county-archive-file', writesAccessLog: true },
  { method: 'POST', path: '/api/county/compilations', entry: 'create-county-compilation', startsJobs: true },
  { method: 'GET', path: '/api/county/compilations/{id}', entry: 'get-county-compilation' },
  { method: 'GET', path: '/api/county/compilations/{id}/file', entry: 'get-county-own-compilation-file' },
  { method: 'GET', path: '/api/access-log', entry: 'get-access-log' },
];
