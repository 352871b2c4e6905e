/**
 * Evidence storage (佐证材料): a bucket of its own, because it is unlike the compilations bucket
 * in every setting that matters. Browsers upload to it directly (CORS from the web origin; the
 * compilations bucket needs none), unfinalised uploads expire within a day (a rule that must
 * never reach a workbook), and what it keeps is the bureau's primary evidence, not output that
 * can be compiled again. Its own bucket also keeps each grant, and its cost, separate.
 *
 * Keys (functions/store/evidence-blobs.ts): `uploads/<unit>/<record>/<attachment>` until
 * finalised, then `evidence/<unit>/<record>/<attachment>`. The grant methods say what each kind
 * of function will need; the attachment routes call them when they land.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { evidenceKeys } from '../../../functions/store/evidence-blobs.js';
import type { TaizhangFunction } from './function.js';

/** An upload not finalised within this many days is removed (1 is S3's shortest expiry). */
export const UNFINALISED_UPLOAD_DAYS = 1;
/** Evidence is never overwritten; a version removed by mistake can be restored this long. */
export const EVIDENCE_NONCURRENT_DAYS = 90;

/**
 * Where the browser posts evidence: the presigned POST names the bucket's virtual-hosted regional
 * address, `https://<bucket>.s3.<region>.<suffix>/`. The page's CSP is written before the bucket
 * is made, so its connect-src names that host pattern.
 */
export const evidenceUploadOrigin = (region: string, urlSuffix: string) => `https://*.s3.${region}.${urlSuffix}`;
/** How long a browser may cache the answer to its CORS preflight. */
export const CORS_MAX_AGE_SECONDS = 3600;

export interface EvidenceStorageProps {
  /** The only origin whose pages may upload and fetch directly, e.g. `https://taizhang.example.gov.cn`. */
  webOrigin: string;
}

export class EvidenceStorage extends Construct {
  readonly bucket: s3.Bucket;
  private uploadSigner?: iam.Role;

  constructor(scope: Construct, id: string, props: EvidenceStorageProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
      cors: [
        {
          // The form POST of an upload, and GET for a preview or a download the page fetches itself.
          allowedOrigins: [props.webOrigin],
          allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedHeaders: ['content-type', 'range'],
          exposedHeaders: ['etag', 'content-length', 'content-disposition'],
          maxAge: CORS_MAX_AGE_SECONDS,
        },
      ],
      lifecycleRules: [
        {
          id: 'expire-unfinalised-uploads',
          prefix: evidenceKeys.uploadsPrefix,
          expiration: Duration.days(UNFINALISED_UPLOAD_DAYS),
          noncurrentVersionExpiration: Duration.days(UNFINALISED_UPLOAD_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(UNFINALISED_UPLOAD_DAYS),
        },
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(EVIDENCE_NONCURRENT_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Uploads are signed, finalised and downloaded only through the stack\'s functions, which log each with the ' +
        'caller and record; the record keeps who added what and when. Public access is blocked.',
    });
  }

  /** `arn:…:s3:::<bucket>/<prefix>*`: what a statement about one key root names. */
  /** The role upload signing assumes; made by the first grantUploadSigning. */
  get uploadSignerRole(): iam.Role | undefined {
    return this.uploadSigner;
  }

  private objects(prefix: string): string {
    return this.bucket.arnForObjects(`${prefix}*`);
  }

  private useIn(fn: TaizhangFunction, actions: string[], prefix: string, why: string): void {
    fn.addEnvironment('EVIDENCE_BUCKET', this.bucket.bucketName);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [this.objects(prefix)] }));
    this.acknowledgePrefix(fn.serviceRole, prefix, why);
  }

  private acknowledgePrefix(role: iam.Role, prefix: string, why: string): void {
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`, reason: why });
  }

  /**
   * Signing uploads (POST …/attachments): the function assumes the upload-signer role with a
   * session policy naming the record's own prefix (recordScopedSigner), so each signature can
   * write under `uploads/<unit>/<record>/` only. The role alone may write under `uploads/` only.
   */
  grantUploadSigning(fn: TaizhangFunction): iam.Role {
    if (!this.uploadSigner) {
      this.uploadSigner = new iam.Role(this, 'UploadSigner', {
        assumedBy: fn.serviceRole,
        description: 'Taizhang: signs evidence uploads, narrowed per request to one record by a session policy',
        maxSessionDuration: Duration.hours(1),
      });
      this.uploadSigner.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.objects(evidenceKeys.uploadsPrefix)] }));
      this.acknowledgePrefix(
        this.uploadSigner,
        evidenceKeys.uploadsPrefix,
        'Upload keys are made per attachment at run time; each signing narrows this role to one record\'s prefix with a session policy.',
      );
    } else {
      this.uploadSigner.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [fn.serviceRole] }));
    }
    this.uploadSigner.grantAssumeRole(fn.serviceRole);
    fn.addEnvironment('EVIDENCE_BUCKET', this.bucket.bucketName);
    fn.addEnvironment('EVIDENCE_UPLOAD_ROLE_ARN', this.uploadSigner.roleArn);
    return this.uploadSigner;
  }

  /**
   * Without s3:ListBucket, S3 answers a HEAD of a missing key with 403 instead of 404, and
   * "never uploaded" could not be told from "not allowed". Keys are ids only, so listing reveals nothing.
   */
  private grantList(fn: TaizhangFunction): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
  }

  /** Finalising (POST …/finalise): read and remove what was uploaded, copy it to where evidence is kept. */
  grantFinalise(fn: TaizhangFunction): void {
    this.grantList(fn);
    this.useIn(fn, ['s3:GetObject', 's3:DeleteObject'], evidenceKeys.uploadsPrefix, 'Finalise reads and removes the upload it was asked about; upload keys are made per attachment.');
    this.useIn(fn, ['s3:PutObject'], evidenceKeys.keptPrefix, 'Finalise copies a checked upload to its kept key, made per attachment.');
  }

  /** Reading kept evidence: a download link (GET …/attachments/{aid}) or the archive job. */
  grantRead(fn: TaizhangFunction): void {
    this.grantList(fn);
    this.useIn(fn, ['s3:GetObject'], evidenceKeys.keptPrefix, 'Kept evidence keys are made per attachment; only GetObject, only under evidence/.');
  }
}
