/**
 * The CDK app (`cdk.json`): `npm run synth` offline, `npm run deploy` with credentials. It builds
 * web/dist first, so every cdk command (synth, diff, deploy, destroy) sees the web app as the
 * source has it, never a stale or missing build.
 */
import { App } from 'aws-cdk-lib';
import { buildWeb } from '../../web/build.js';
import { buildApp } from './taizhang.js';

await buildWeb({ quiet: true });
buildApp(new App());
