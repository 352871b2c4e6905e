/** One in-memory embedded store for the whole run; each test file makes its own table in it. */
import type { TestProject } from 'vitest/node';
import { startEmbeddedStore, type EmbeddedStore } from '../infra/local/embedded-store.js';

let store: EmbeddedStore | undefined;

export async function setup(project: TestProject) {
  store = await startEmbeddedStore();
  project.provide('dynamoEndpoint', store.endpoint);
}

export async function teardown() {
  await store?.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
