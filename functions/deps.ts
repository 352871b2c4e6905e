/** What every handler needs, built once per container from the environment. */
import { loadCatalog } from './core/catalog.js';
import type { Deps } from './core/submissions.js';
import { readConfig } from './config.js';
import { createDocumentClient } from './store/client.js';
import { dynamoOrganisationStore } from './store/organisation.js';
import { dynamoRecordStore } from './store/records.js';
import { dynamoScoreStore } from './store/scores.js';
import { createNotifier } from './notifiers.js';

let deps: Deps | undefined;

export function getDeps(): Deps {
  if (deps) return deps;
  const config = readConfig();
  const doc = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const organisations = dynamoOrganisationStore(doc, config.TABLE_NAME);
  const fixed = config.CLOCK_FIXED ? new Date(config.CLOCK_FIXED) : undefined;
  deps = {
    catalog: loadCatalog(config.templatesDir),
    records: dynamoRecordStore(doc, config.TABLE_NAME),
    scores: dynamoScoreStore(doc, config.TABLE_NAME),
    notifier: createNotifier(config),
    organisation: (unit) => organisations.get(unit),
    now: () => (fixed ? new Date(fixed) : new Date()),
  };
  return deps;
}
