export { MediaService, PROCESS_JOB, PURGE_JOB, type MediaDeps } from './media.service.js';
export { mediaRoutes } from './media.http.js';
export { mediaFiles } from './media.files.js';
export { UrlSigner } from './signing.js';
export { findFfmpeg, type Ffmpeg } from './processing/index.js';
