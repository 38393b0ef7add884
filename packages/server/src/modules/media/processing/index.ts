/** Media inspection and processing: the only entry the media service imports. */
export { findFfmpeg, type Ffmpeg } from './ffmpeg.js';
export { sniff } from './sniff.js';
export { validateUpload } from './validate.js';
export { processMedia } from './process.js';
export type { MediaLimits, ProcessedMedia } from './types.js';
