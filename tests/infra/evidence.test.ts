/**
 * The evidence bucket in both partitions, and the grants the attachment routes take (named in
 * functions/routes.ts, made by the stack): cdk-nag must stay clean with them.
 */
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { CORS_MAX_AGE_SECONDS, EVIDENCE_NONCURRENT_DAYS, UNFINALISED_UPLOAD_DAYS } from '../../infra/cloud/constructs/evidence.js';
import { DEFAULT_WEB_ORIGIN } from '../../infra/cloud/settings.js';
import { WORKER } from '../../functions/routes.js';
import { CHINA, CHINA_WEB, COMMERCIAL, synthesise, type Synthesised } from './synth.js';

// The attachment routes' functions: who signs, who finalises, who reads.
const SIGNER = 'create-attachment';
const FINALISER = 'finalise-attachment';
const READER = 'get-attachment';

const commercial = synthesise(COMMERCIAL);
const china = synthesise(CHINA);
const chinaWeb = synthesise(CHINA_WEB);
const plain = commercial;
afterAll(() => [commercial, china, chinaWeb].forEach((s) => s.dispose()));

const resources = (s: Synthesised) => s.template.toJSON().Resources as Record<string, { Type: string; Properties: any; DeletionPolicy?: string }>;
const id = (s: Synthesised, element: unknown) => Stack.of(s.stack).getLogicalId(element as CfnElement);
const bucketOf = (s: Synthesised) => resources(s)[id(s, s.stack.evidence.bucket.node.defaultChild)]!;

/** The role statements of one function, as [actions, resources] pairs that mention the evidence bucket. */
function evidenceStatements(s: Synthesised, entry: string) {
  const bucketId = id(s, s.stack.evidence.bucket.node.defaultChild);
  const policyId = id(s, s.stack.functions.get(entry)!.serviceRole.node.findChild('DefaultPolicy').node.defaultChild);
  return (resources(s)[policyId]!.Properties.PolicyDocument.Statement as any[])
    .filter((st) => JSON.stringify(st).includes(bucketId) || [st.Action].flat().includes('sts:AssumeRole'))
    .map((st) => ({ actions: [st.Action].flat().sort(), resources: [st.Resource].flat() }));
}
const objects = (s: Synthesised, prefix: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [id(s, s.stack.evidence.bucket.node.defaultChild), 'Arn'] }, `/${prefix}*`]],
});

describe('the evidence bucket', () => {
  for (const [label, s] of [['aws', commercial], ['aws-cn', china]] as const) {
    it(`is versioned, encrypted, closed to the public, TLS 1.2 only, and outlives the stack (${label})`, () => {
      const bucket = bucketOf(s);
      expect(bucket.Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
      expect(bucket.DeletionPolicy).toBe('Retain');
      s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id(s, s.stack.evidence.bucket.node.defaultChild) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    });

    it(`expires unfinalised uploads on their prefix within a day, and old versions after ${EVIDENCE_NONCURRENT_DAYS} days (${label})`, () => {
      expect(bucketOf(s).Properties.LifecycleConfiguration.Rules).toEqual([
        {
          Id: 'expire-unfinalised-uploads',
          Status: 'Enabled',
          Prefix: 'uploads/',
          ExpirationInDays: UNFINALISED_UPLOAD_DAYS,
          NoncurrentVersionExpiration: { NoncurrentDays: UNFINALISED_UPLOAD_DAYS },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: UNFINALISED_UPLOAD_DAYS },
        },
        { Id: 'expire-old-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: EVIDENCE_NONCURRENT_DAYS }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
      ]);
    });
  }

  it('allows direct uploads and fetches from the web origin only: the distribution, the ICP-filed domain, or the configured origin', () => {
    const cors = (s: Synthesised) => bucketOf(s).Properties.CorsConfiguration.CorsRules;
    const distributionId = id(commercial, commercial.stack.web!.distribution.node.defaultChild);
    expect(cors(commercial)).toEqual([
      {
        AllowedOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] }],
        AllowedMethods: ['POST', 'GET', 'HEAD'],
        AllowedHeaders: ['content-type', 'range'],
        ExposedHeaders: ['etag', 'content-length', 'content-disposition'],
        MaxAge: CORS_MAX_AGE_SECONDS,
      },
    ]);
    expect(cors(chinaWeb)[0].AllowedOrigins).toEqual([`https://${CHINA_WEB.webDomain}`]);
    expect(cors(china)[0].AllowedOrigins).toEqual([DEFAULT_WEB_ORIGIN]);
  });

  it('is named in the outputs, and no function but the signer, the finaliser and the readers (a download, the archive worker) can reach it', () => {
    plain.template.hasOutput('EvidenceBucket', { Value: { Ref: id(plain, plain.stack.evidence.bucket.node.defaultChild) } });
    expect(evidenceStatements(plain, WORKER.entry)).toEqual(evidenceStatements(plain, READER));
    for (const entry of plain.stack.functions.keys())
      if (![SIGNER, FINALISER, READER, WORKER.entry].includes(entry)) expect(evidenceStatements(plain, entry), entry).toEqual([]);
    expect(Object.values(resources(plain)).filter((r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r).includes('evidence uploads'))).toHaveLength(1);
  });
});

describe('the grants for the attachment routes', () => {
  for (const [label, s] of [['aws', commercial], ['aws-cn', china]] as const) {
    it(`let the signer only assume the upload-signer role, which may only put objects under uploads/ (${label})`, () => {
      const signerRole = resources(s)[id(s, s.stack.evidence.uploadSignerRole!.node.defaultChild)]!;
      expect(evidenceStatements(s, SIGNER)).toEqual([{ actions: ['sts:AssumeRole'], resources: [{ 'Fn::GetAtt': [id(s, s.stack.evidence.uploadSignerRole!.node.defaultChild), 'Arn'] }] }]);
      expect(signerRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': [id(s, s.stack.functions.get(SIGNER)!.serviceRole.node.defaultChild), 'Arn'] } } },
      ]);
      const policies = Object.values(resources(s)).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === id(s, s.stack.evidence.uploadSignerRole!.node.defaultChild)));
      expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([{ Action: 's3:PutObject', Effect: 'Allow', Resource: objects(s, 'uploads/') }]);
      const env = resources(s)[id(s, s.stack.functions.get(SIGNER)!.node.defaultChild)]!.Properties.Environment.Variables;
      expect(env).toMatchObject({ EVIDENCE_BUCKET: { Ref: id(s, s.stack.evidence.bucket.node.defaultChild) }, EVIDENCE_UPLOAD_ROLE_ARN: { 'Fn::GetAtt': [id(s, s.stack.evidence.uploadSignerRole!.node.defaultChild), 'Arn'] } });
    });

    it(`let finalise read and remove uploads and write kept evidence, and readers only read kept evidence (${label})`, () => {
      // ListBucket so that S3 answers a missing key with 404, not 403.
      const list = { actions: ['s3:ListBucket'], resources: [{ 'Fn::GetAtt': [id(s, s.stack.evidence.bucket.node.defaultChild), 'Arn'] }] };
      expect(evidenceStatements(s, FINALISER)).toEqual([
        list,
        { actions: ['s3:DeleteObject', 's3:GetObject'], resources: [objects(s, 'uploads/')] },
        { actions: ['s3:PutObject'], resources: [objects(s, 'evidence/')] },
      ]);
      expect(evidenceStatements(s, READER)).toEqual([list, { actions: ['s3:GetObject'], resources: [objects(s, 'evidence/')] }]);
    });
  }

  it('keep cdk-nag clean, each wildcard acknowledged with its reason next to its role', () => {
    for (const s of [commercial, china]) {
      expect(s.violations).toEqual([]);
      const acks = s.acknowledgements.filter((a) => a.id.includes('/uploads/*') || a.id.includes('/evidence/*'));
      // The signer role, the finaliser's two roots, the reader's and the worker's kept evidence.
      expect(acks.length).toBe(5);
      for (const a of acks) expect(a.reason.length).toBeGreaterThan(40);
    }
  });
});
