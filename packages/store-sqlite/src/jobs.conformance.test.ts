import { jobQueueConformance } from '@ottr/server/testing';
import { createSqliteStore } from './index.js';

jobQueueConformance('sqlite', async () => createSqliteStore({ path: ':memory:' }));
