/** What every handler needs, built once per container from the environment. */
import { loadCatalog } from './core/templates/catalog.js';
import type { CompilationDeps } from './core/ledger/compilation.js';
import type { Deps } from './core/types.js';
import type { RosterDeps } from './core/roster/service.js';
import { noInvitations, type IdentityProvider } from './core/roster/identity.js';
import { cognitoIdentity } from './store/cognito-identity.js';
import { blobConfig, evidenceConfig, evidenceLimits, readConfig, workerConfig } from './config.js';
import type { EvidenceDeps } from './evidence/attachments.js';
import { recordScopedSigner, s3EvidenceStore } from './store/evidence-blobs.js';
import { localEvidenceStore } from './store/local-evidence.js';
import { dynamoPendingUploads } from './store/uploads.js';
import { complianceContent } from './ledger/compliance-content.js';
import { localBlobStore, s3BlobStore } from './store/blobs.js';
import { createDocumentClient } from './store/client.js';
import { dynamoCompilationStore } from './store/compilations.js';
import { dynamoOrganisationStore, type OrganisationStore } from './store/organisation.js';
import { dynamoRecordStore } from './store/records.js';
import { dynamoScoreStore } from './store/scores.js';
import { dynamoReminderStore } from './store/reminders.js';
import type { ReminderDeps } from './core/compliance/reminders.js';
import { createNotifier } from './notifiers.js';
import { faultHook, type FaultHook } from './fault.js';
import type { JobDispatcher, JobStore } from './core/jobs/job.js';
import { dynamoJobStore } from './store/jobs.js';
import { lambdaDispatcher } from './store/dispatch.js';
import { STSClient } from '@aws-sdk/client-sts';
import { S3Client } from '@aws-sdk/client-s3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ArchiveDeps } from './ledger/archive-job.js';
import { fileSink } from './ledger/archive.js';
import { dynamoArchiveStore } from './store/archives.js';
import { s3ArchiveSink } from './store/archive-sink.js';
import type { EvidenceBlobStore } from './store/evidence-blobs.js';
import type { CountyReadDeps } from './core/county/service.js';
import { dynamoAccessLogStore } from './store/access-log.js';
import { dynamoSnapshotStore } from './store/snapshots.js';
import type { SnapshotDeps, SnapshotStore } from './core/county/snapshots.js';
import { recordsKeepingSnapshots, refresher, refreshesSettled, rostersKeepingSnapshots, scoresKeepingSnapshots } from './core/county/keep-current.js';
import type { RecordStore } from './core/records/record.js';
import type { ScoreStore } from './core/compliance/assessment.js';

let deps: Deps | undefined;
/** What the compilation handlers and the worker need beyond the records. */
export type JobDeps = CompilationDeps & { units(): Promise<string[]>; jobs: JobStore; dispatcher: JobDispatcher; fault: FaultHook };
let compilationDeps: JobDeps | undefined;
let shared:
  | {
      doc: ReturnType<typeof createDocumentClient>;
      organisations: OrganisationStore;
      config: ReturnType<typeof readConfig>;
      records: RecordStore;
      scores: ScoreStore;
      snapshots: SnapshotStore;
      /** The snapshots as the county routes read them. */
      countySnapshots: SnapshotStore;
      /** What a snapshot refresh reads: the stores as they are, without the keeping-current wrappers. */
      snapshotDeps: SnapshotDeps;
      now(): Date;
    }
  | undefined;

function base() {
  if (shared) return shared;
  const config = readConfig();
  const doc = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const fixed = config.CLOCK_FIXED ? new Date(config.CLOCK_FIXED) : undefined;
  const now = () => (fixed ? new Date(fixed) : new Date());
  const rosters = dynamoOrganisationStore(doc, config.TABLE_NAME);
  const records = dynamoRecordStore(doc, config.TABLE_NAME, { fault: faultHook(config.TAIZHANG_FAULT) });
  const scores = dynamoScoreStore(doc, config.TABLE_NAME);
  const snapshots = dynamoSnapshotStore(doc, config.TABLE_NAME);
  const snapshotDeps: SnapshotDeps = { catalog: loadCatalog(config.templatesDir), records, rosters, snapshots };
  // In Lambda the table's stream keeps the snapshots current (functions/snapshot-stream.ts); on one
  // machine every write is followed by the refresh here, in process, after it has answered.
  const inline = !config.AWS_LAMBDA_FUNCTION_NAME;
  const refresh = refresher(snapshotDeps);
  shared = {
    config,
    doc,
    now,
    // A county read on one machine waits for the refreshes in flight, as if the stream had delivered them.
    countySnapshots: inline ? { ...snapshots, get: async (u: string, p: string) => (await refreshesSettled(), snapshots.get(u, p)), many: async (us: string[], p: string) => (await refreshesSettled(), snapshots.many(us, p)) } : snapshots,
    snapshots,
    snapshotDeps,
    organisations: inline ? rostersKeepingSnapshots(rosters, (u) => snapshots.years(u), refresh, now) : rosters,
    records: inline ? recordsKeepingSnapshots(records, refresh) : records,
    scores: inline ? scoresKeepingSnapshots(scores, refresh) : scores,
  };
  return shared;
}

/** What keeps the snapshots: the refresh's stores (the stream consumer and the rebuild use them). */
export function getSnapshotDeps(): SnapshotDeps {
  return base().snapshotDeps;
}

/** The rosters: who a token's subject is, and the office's changes. */
export function getRosterStore(): OrganisationStore {
  return base().organisations;
}

export function getDeps(): Deps {
  if (deps) return deps;
  const { config, organisations, records, scores, now } = base();
  deps = {
    catalog: loadCatalog(config.templatesDir),
    records,
    scores,
    notifier: createNotifier(config),
    organisation: (unit) => organisations.get(unit),
    now,
  };
  return deps;
}

let reminderDeps: ReminderDeps | undefined;
/** The reminder routes' and the scheduled run's dependencies: the above plus the unit's reminder log. */
export function getReminderDeps(): ReminderDeps {
  if (reminderDeps) return reminderDeps;
  const { config, doc } = base();
  reminderDeps = { ...getDeps(), reminders: dynamoReminderStore(doc, config.TABLE_NAME) };
  return reminderDeps;
}

/**
 * The compilation handlers' and the worker's dependencies: the above plus compilation metadata, the
 * blob store (BUCKET_NAME or BLOB_DIR, checked here so other handlers run without either), the
 * content provider, the registry of units, the jobs and the worker they are handed to.
 */
export function getCompilationDeps(): JobDeps {
  if (compilationDeps) return compilationDeps;
  const { config, doc, organisations } = base();
  const d = getDeps();
  const blob = blobConfig(config);
  let dispatcher: JobDispatcher | undefined;
  compilationDeps = {
    ...d,
    compilations: dynamoCompilationStore(doc, config.TABLE_NAME),
    blobs:
      blob.kind === 's3'
        ? s3BlobStore({ bucket: blob.bucket, region: config.AWS_REGION, endpoint: blob.endpoint })
        : localBlobStore(blob.dir, blob.signingKey),
    content: complianceContent(d),
    units: () => organisations.units(),
    jobs: dynamoJobStore(doc, config.TABLE_NAME),
    // Checked on first dispatch, so a handler that only reads jobs runs without a worker configured.
    dispatcher: { dispatch: (ref) => (dispatcher ??= lambdaDispatcher({ ...workerConfig(config), region: config.AWS_REGION })).dispatch(ref) },
    fault: faultHook(config.TAIZHANG_FAULT),
  };
  return compilationDeps;
}

let identity: IdentityProvider | undefined;
/** Who signs people in (IDENTITY_PROVIDER): the people routes invite and disable through it. */
function getIdentity(): IdentityProvider {
  if (identity) return identity;
  const { config } = base();
  identity =
    config.IDENTITY_PROVIDER === 'cognito'
      ? cognitoIdentity({ userPoolId: config.USER_POOL_ID!, region: config.AWS_REGION, endpoint: config.COGNITO_ENDPOINT })
      : noInvitations(config.IDENTITY_PROVIDER);
  return identity;
}

/** What the roster routes need: the rosters, the clock and the identity provider. */
export function getRosterDeps(): Deps & RosterDeps {
  return { ...getDeps(), rosters: getRosterStore(), identity: getIdentity() };
}

let evidenceDeps: EvidenceDeps | undefined;

/** The attachment handlers' dependencies: the above plus the evidence store, pending uploads and limits. */
export function getEvidenceDeps(): EvidenceDeps {
  if (evidenceDeps) return evidenceDeps;
  const { config, doc } = base();
  // Built on first use, so a route that never touches the bytes (removal) needs no evidence setting.
  let store: EvidenceBlobStore | undefined;
  const blobs = lazyEvidenceBlobs(() => {
    if (store) return store;
    const ev = evidenceConfig(config);
    store =
      ev.kind === 's3'
        ? s3EvidenceStore({
            bucket: ev.bucket,
            region: config.AWS_REGION,
            endpoint: ev.endpoint,
            // Only the route that signs uploads is given the role (infra/cloud/constructs/evidence.ts).
            ...(ev.uploadRoleArn
              ? { signingCredentials: recordScopedSigner(new STSClient({ region: config.AWS_REGION }), ev.uploadRoleArn, ev.bucket, config.EVIDENCE_UPLOAD_SECONDS) }
              : {}),
          })
        : localEvidenceStore(ev.dir, ev.signingKey);
    return store;
  });
  evidenceDeps = { ...getDeps(), evidence: { blobs, uploads: dynamoPendingUploads(doc, config.TABLE_NAME), limits: evidenceLimits(config) } };
  return evidenceDeps;
}

let archiveDeps: ArchiveDeps | undefined;

/** The archive routes' and job's dependencies: the jobs', the archives, the evidence to read, and the zip's sink. */
export function getArchiveDeps(): ArchiveDeps {
  if (archiveDeps) return archiveDeps;
  const { config, doc } = base();
  const blob = blobConfig(config);
  archiveDeps = {
    ...getCompilationDeps(),
    archives: dynamoArchiveStore(doc, config.TABLE_NAME),
    // Read only when a job runs, so the archive routes need no evidence configuration.
    evidenceBlobs: lazyEvidenceBlobs(() => getEvidenceDeps().evidence.blobs),
    archiveSink:
      blob.kind === 's3'
        ? (key, disposition) =>
            s3ArchiveSink(new S3Client({ region: config.AWS_REGION, ...(blob.endpoint ? { endpoint: blob.endpoint, forcePathStyle: true } : {}) }), blob.bucket, key, disposition)
        : (key) => {
            const path = join(blob.dir, key);
            mkdirSync(dirname(path), { recursive: true });
            return fileSink(path);
          },
  };
  return archiveDeps;
}

function lazyEvidenceBlobs(store: () => EvidenceBlobStore): EvidenceBlobStore {
  return {
    signUpload: (...a) => store().signUpload(...a),
    head: (key) => store().head(key),
    open: (key) => store().open(key),
    copy: (from, to) => store().copy(from, to),
    remove: (key) => store().remove(key),
    downloadUrl: (...a) => {
      const s = store();
      if (!s.downloadUrl) throw new Error('evidence: this blob store hands out no download links');
      return s.downloadUrl(...a);
    },
  };
}

let countyDeps: CountyDeps | undefined;
/** What the county routes need: the archive routes' dependencies, the rosters and the units' access logs. */
export type CountyDeps = ArchiveDeps & CountyReadDeps;
export function getCountyDeps(): CountyDeps {
  if (countyDeps) return countyDeps;
  const { config, doc } = base();
  countyDeps = { ...getArchiveDeps(), rosters: getRosterStore(), accessLog: dynamoAccessLogStore(doc, config.TABLE_NAME), snapshots: base().countySnapshots };
  return countyDeps;
}
