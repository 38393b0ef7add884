import { rateLimiterConformance } from '../testing/index.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';

// Known gap: instances do not share counts (one node each); the cluster case is skipped.
rateLimiterConformance('memory', async () => ({ node: async (clock) => new MemoryRateLimiter({ clock }), shared: false, close: async () => undefined }));
