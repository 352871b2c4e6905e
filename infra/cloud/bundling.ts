/**
 * How every Lambda entry is bundled: one set of esbuild options, read by the stack (through
 * NodejsFunction) and by the bundle check test (through esbuild's API), so the test bundles
 * exactly what Lambda runs.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The repository root, whatever the working directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const entryPath = (entry: string) => join(REPO_ROOT, 'functions', `${entry}.ts`);

/** Lambda's working directory and the bundle's root; the templates are copied beside the code. */
export const LAMBDA_TASK_ROOT = '/var/task';
export const BUNDLED_TEMPLATES_DIR = `${LAMBDA_TASK_ROOT}/templates`;

/** NodejsFunction names an ESM bundle index.mjs; the handler is `index.handler`. */
export const BUNDLE_FILE = 'index.mjs';

/**
 * exceljs and other CommonJS packages call `require`, which an ES module lacks; the banner
 * gives the bundle one before any package code runs.
 */
const REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

const SETTINGS = {
  target: 'node22',
  minify: true,
  sourceMap: true,
  // The source map resolves stack traces to file and line; the sources themselves stay out of the zip.
  sourcesContent: false,
  // Prefer a package's ES module build where it ships one; fall back to CommonJS.
  mainFields: ['module', 'main'],
  banner: REQUIRE_BANNER,
} as const;

/** Shell commands that copy `templates/` into a bundle (NodejsFunction's afterBundling hook). */
export function copyTemplatesCommands(inputDir: string, outputDir: string): string[] {
  return [`cp -r "${inputDir}/templates" "${outputDir}/templates"`];
}

/** NodejsFunction's bundling: local esbuild (never Docker), ESM, the SDK bundled from the lock file. */
export function lambdaBundling(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: SETTINGS.target,
    minify: SETTINGS.minify,
    sourceMap: SETTINGS.sourceMap,
    sourcesContent: SETTINGS.sourcesContent,
    mainFields: [...SETTINGS.mainFields],
    banner: SETTINGS.banner,
    // The SDK is bundled, so Lambda runs the version the tests ran, not the runtime's copy.
    bundleAwsSDK: true,
    externalModules: [],
    forceDockerBundling: false,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: copyTemplatesCommands,
    },
  };
}

/** The same bundle through esbuild's API, for the bundle check: what NodejsFunction passes on its command line. */
export function esbuildOptions(entry: string, outDir: string): BuildOptions {
  return {
    entryPoints: [entryPath(entry)],
    outfile: join(outDir, BUNDLE_FILE),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: SETTINGS.target,
    minify: SETTINGS.minify,
    sourcemap: SETTINGS.sourceMap,
    sourcesContent: SETTINGS.sourcesContent,
    mainFields: [...SETTINGS.mainFields],
    banner: { js: SETTINGS.banner },
    external: [],
    logLevel: 'warning',
  };
}
