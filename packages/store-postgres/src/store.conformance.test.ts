import { requireService, storeConformance } from '@ottr/server/testing';
import { openTestStore, TEST_POSTGRES_URL } from './testing.js';

if (await requireService('PostgreSQL', TEST_POSTGRES_URL)) storeConformance('postgres', () => openTestStore());
