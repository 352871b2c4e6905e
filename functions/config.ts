/** Configuration: one schema over process.env, read once; a missing variable fails with its name. */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { EvidenceLimits } from './core/evidence/types.js';

const EnvSchema = z.object({
  TABLE_NAME: z.string().min(3),
  /** Set locally to the embedded store; unset in Lambda. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().default('cn-northwest-1'),
  TEMPLATES_DIR: z.string().default('templates'),
  /** Where reminders go: `log` (default) or `webhook` (DingTalk / WeCom group robot URL). */
  NOTIFIER: z.enum(['log', 'webhook']).default('log'),
  NOTIFY_WEBHOOK_URL: z.url().optional(),
  /** A fixed instant for demos and tests; never set in the cloud. */
  CLOCK_FIXED: z.iso.datetime().optional(),
  /** Where compiled workbooks go: an S3 bucket in the cloud, or a directory locally. */
  BUCKET_NAME: z.string().min(3).optional(),
  BLOB_DIR: z.string().optional(),
  /** Locally, the key the runner signs blob download grants with (made afresh at each start). */
  BLOB_SIGNING_KEY: z.string().min(32).optional(),
  /** An S3-compatible endpoint for BUCKET_NAME (tests, MinIO); unset in the cloud. */
  S3_ENDPOINT: z.url().optional(),
  /** Where evidence (佐证材料) is kept in the cloud: its own bucket (infra/cloud/constructs/evidence.ts). */
  EVIDENCE_BUCKET: z.string().min(3).optional(),
  /** The role upload signing assumes, narrowed per record (set by the stack where uploads are signed). */
  EVIDENCE_UPLOAD_ROLE_ARN: z.string().startsWith('arn:').optional(),
  /**
   * Evidence limits. The defaults are the examples of issue #15 (示例), not the bureau's rule: set
   * them to the unit's own. A file is read whole in memory when it is finalised, hence the ceiling.
   */
  EVIDENCE_MAX_FILE_MB: z.coerce.number().positive().max(100).default(20),
  EVIDENCE_MAX_FILES: z.coerce.number().int().positive().max(500).default(30),
  /** How long a signed upload may be used: long enough for 20 MB over a slow phone link. */
  EVIDENCE_UPLOAD_SECONDS: z.coerce.number().int().min(60).max(3600).default(600),
  /**
   * The register's export (POST /api/submissions/export) answers in the response itself, so it is
   * bounded: at most this many records, and a workbook of at most this many bytes, which base64
   * keeps under the 6 MB a Lambda response may carry. Past either the answer is 413.
   */
  EXPORT_MAX_RECORDS: z.coerce.number().int().positive().max(5000).default(2000),
  EXPORT_MAX_BYTES: z.coerce.number().int().positive().max(4_400_000).default(4_000_000),
  /** The worker function that runs jobs (its name or ARN), invoked asynchronously. */
  WORKER_FUNCTION: z.string().min(1).optional(),
  /** Locally, the runner's stand-in for Lambda's Invoke API; unset in the cloud. */
  LAMBDA_ENDPOINT: z.url().optional(),
  /** Where jobs write their temporary files (the local worker gives each run its own); else the system's. */
  WORK_TMPDIR: z.string().optional(),
  /** Crash tests only (functions/fault.ts): a step at which this process kills itself. */
  TAIZHANG_FAULT: z.string().optional(),
  /**
   * Who signs people in, for the people routes (functions/core/roster/identity.ts): the stack's
   * Cognito pool (with USER_POOL_ID), an external OIDC issuer, or `npm start`'s local sign-in.
   */
  IDENTITY_PROVIDER: z.enum(['local', 'cognito', 'external']).default('local'),
  USER_POOL_ID: z.string().min(1).optional(),
  /** A Cognito-compatible endpoint for USER_POOL_ID (tests); unset in the cloud. */
  COGNITO_ENDPOINT: z.url().optional(),
  /** Set by Lambda itself; with it, test-only settings are refused. */
  AWS_LAMBDA_FUNCTION_NAME: z.string().optional(),
});

export type Config = z.infer<typeof EnvSchema> & { templatesDir: string };

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means unset, as in a shell's `FOO= cmd`.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = EnvSchema.safeParse(set);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`configuration: ${names}`);
  }
  if (parsed.data.TAIZHANG_FAULT && parsed.data.AWS_LAMBDA_FUNCTION_NAME)
    throw new Error('configuration: TAIZHANG_FAULT is for crash tests and is refused inside Lambda');
  if (parsed.data.IDENTITY_PROVIDER === 'cognito' && !parsed.data.USER_POOL_ID)
    throw new Error('configuration: USER_POOL_ID is required with IDENTITY_PROVIDER=cognito');
  return { ...parsed.data, templatesDir: resolve(parsed.data.TEMPLATES_DIR) };
}

export type BlobConfig = { kind: 's3'; bucket: string; endpoint?: string } | { kind: 'dir'; dir: string; signingKey?: string };

/**
 * The blob store the compilation handlers need: exactly one of BUCKET_NAME and BLOB_DIR. Other
 * handlers never ask, so they run without either.
 */
export function blobConfig(config: Config): BlobConfig {
  if (config.BUCKET_NAME && config.BLOB_DIR) throw new Error('configuration: set BUCKET_NAME or BLOB_DIR, not both');
  if (config.BUCKET_NAME) return { kind: 's3', bucket: config.BUCKET_NAME, endpoint: config.S3_ENDPOINT };
  if (config.BLOB_DIR) return { kind: 'dir', dir: resolve(config.BLOB_DIR), signingKey: config.BLOB_SIGNING_KEY };
  throw new Error('configuration: BUCKET_NAME (cloud) or BLOB_DIR (local) is required to compile ledgers');
}

/** The evidence limits of this deployment, in bytes, files and seconds. */
export function evidenceLimits(config: Config): EvidenceLimits {
  return {
    maxFileBytes: Math.floor(config.EVIDENCE_MAX_FILE_MB * 1024 * 1024),
    maxFilesPerRecord: config.EVIDENCE_MAX_FILES,
    uploadSeconds: config.EVIDENCE_UPLOAD_SECONDS,
  };
}

export type EvidenceConfig = { kind: 's3'; bucket: string; endpoint?: string; uploadRoleArn?: string } | { kind: 'dir'; dir: string; signingKey: string };

/** Where evidence lives: EVIDENCE_BUCKET in the cloud, else BLOB_DIR with the runner's signing key. */
export function evidenceConfig(config: Config): EvidenceConfig {
  if (config.EVIDENCE_BUCKET)
    return { kind: 's3', bucket: config.EVIDENCE_BUCKET, endpoint: config.S3_ENDPOINT, uploadRoleArn: config.EVIDENCE_UPLOAD_ROLE_ARN };
  if (config.BLOB_DIR && config.BLOB_SIGNING_KEY) return { kind: 'dir', dir: resolve(config.BLOB_DIR), signingKey: config.BLOB_SIGNING_KEY };
  throw new Error('configuration: EVIDENCE_BUCKET (cloud) or BLOB_DIR with BLOB_SIGNING_KEY (local) is required for evidence');
}

/** The worker jobs are handed to: required wherever a job is admitted or re-dispatched. */
export function workerConfig(config: Config): { functionName: string; endpoint?: string } {
  // The worker itself is not told its own name (the stack cannot refer a function to itself): Lambda tells it.
  const functionName = config.WORKER_FUNCTION ?? config.AWS_LAMBDA_FUNCTION_NAME;
  if (!functionName) throw new Error('configuration: WORKER_FUNCTION (the job worker) is required to start jobs');
  return { functionName, endpoint: config.LAMBDA_ENDPOINT };
}
