import { storeConformance } from '@ottr/server/testing';
import { createSqliteStore } from './index.js';

storeConformance('sqlite', async () => createSqliteStore({ path: ':memory:' }));
