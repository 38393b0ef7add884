export { createS3MediaStore, S3MediaStore, type S3MediaStoreOptions } from './s3-media-store.js';
