/** What every handler needs, built once per container from the environment. */
import { loadCatalog } from './core/templates/catalog.js';
import type { CompilationDeps } from './core/ledger/compilation.js';
import type { Deps } from './core/types.js';
import { blobConfig, readConfig } from './config.js';
import { complianceContent } from './ledger/compliance-content.js';
import { localBlobStore, s3BlobStore } from './store/blobs.js';
import { createDocumentClient } from './store/client.js';
import { dynamoCompilationStore } from './store/compilations.js';
import { dynamoOrganisationStore, type OrganisationStore } from './store/organisation.js';
import { dynamoRecordStore } from './store/records.js';
import { dynamoScoreStore } from './store/scores.js';
import { createNotifier } from './notifiers.js';
import { faultHook } from './fault.js';

let deps: Deps | undefined;
let compilationDeps: (CompilationDeps & { units(): Promise<string[]> }) | undefined;
let shared: { doc: ReturnType<typeof createDocumentClient>; organisations: OrganisationStore; config: ReturnType<typeof readConfig> } | undefined;

function base() {
  if (shared) return shared;
  const config = readConfig();
  const doc = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  shared = { config, doc, organisations: dynamoOrganisationStore(doc, config.TABLE_NAME) };
  return shared;
}

export function getDeps(): Deps {
  if (deps) return deps;
  const { config, doc, organisations } = base();
  const fixed = config.CLOCK_FIXED ? new Date(config.CLOCK_FIXED) : undefined;
  deps = {
    catalog: loadCatalog(config.templatesDir),
    records: dynamoRecordStore(doc, config.TABLE_NAME, { fault: faultHook(config.TAIZHANG_FAULT) }),
    scores: dynamoScoreStore(doc, config.TABLE_NAME),
    notifier: createNotifier(config),
    organisation: (unit) => organisations.get(unit),
    now: () => (fixed ? new Date(fixed) : new Date()),
  };
  return deps;
}

/**
 * The compilation handlers' dependencies: the above plus compilation metadata, the blob store
 * (BUCKET_NAME or BLOB_DIR, checked here so other handlers run without either), the content
 * provider, and the registry of units for the monthly job.
 */
export function getCompilationDeps(): CompilationDeps & { units(): Promise<string[]> } {
  if (compilationDeps) return compilationDeps;
  const { config, doc, organisations } = base();
  const d = getDeps();
  const blob = blobConfig(config);
  compilationDeps = {
    ...d,
    compilations: dynamoCompilationStore(doc, config.TABLE_NAME),
    blobs:
      blob.kind === 's3'
        ? s3BlobStore({ bucket: blob.bucket, region: config.AWS_REGION, endpoint: blob.endpoint })
        : localBlobStore(blob.dir),
    content: complianceContent(d),
    units: () => organisations.units(),
  };
  return compilationDeps;
}
