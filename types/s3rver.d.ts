/** The part of s3rver (an in-process S3-compatible server, tests only) that the tests use; it ships no types. */
declare module 's3rver' {
  export interface S3rverOptions {
    address?: string;
    /** 0: any free port. */
    port?: number;
    directory?: string;
    silent?: boolean;
    /** Buckets created at startup. */
    configureBuckets?: { name: string }[];
  }
  export default class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}
