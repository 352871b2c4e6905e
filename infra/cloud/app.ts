/** The CDK app (`cdk.json`): `npm run synth` offline, `npm run deploy` with credentials. */
import { App } from 'aws-cdk-lib';
import { buildApp } from './taizhang.js';

buildApp(new App());
