import { describe, expect, it } from 'vitest';
import { mediaIdOf } from './api/media.js';
import { MemoryStore, clearClientData } from './store.js';
import { StoreUrlStorage, tusError } from './tus-upload.js';

const upload = (uploadUrl: string, creationTime: string) => ({ size: 10, metadata: {}, creationTime, uploadUrl, parallelUploadUrls: null, urlStorageKey: '' });

describe('StoreUrlStorage', () => {
  it('finds the uploads of a fingerprint (newest first) apart from others, removes one, forgets all, and is wiped with the client data', async () => {
    const store = new MemoryStore();
    let n = 0;
    const urls = new StoreUrlStorage(store, () => ++n / 10);
    const fp = '["http://x","acc_1","image","a/b.png","sha256:ab"]';
    const older = await urls.addUpload(fp, upload('http://x/v1/uploads/med_1', '2026-01-01T00:00:00.000Z'));
    await urls.addUpload(fp, upload('http://x/v1/uploads/med_2', '2026-01-02T00:00:00.000Z'));
    await urls.addUpload(`${fp}x`, upload('http://x/v1/uploads/med_3', '2026-01-03T00:00:00.000Z'));

    const found = await urls.findUploadsByFingerprint(fp);
    expect(found.map((u) => u.uploadUrl)).toEqual(['http://x/v1/uploads/med_2', 'http://x/v1/uploads/med_1']);
    expect(found[1]!.urlStorageKey).toBe(older);
    expect(await urls.findAllUploads()).toHaveLength(3);

    await urls.removeUpload(older);
    expect((await urls.findUploadsByFingerprint(fp)).map((u) => u.uploadUrl)).toEqual(['http://x/v1/uploads/med_2']);
    await urls.forget(fp);
    expect(await urls.findUploadsByFingerprint(fp)).toEqual([]);
    expect(await urls.findAllUploads()).toHaveLength(1);

    await clearClientData(store);
    expect(await urls.findAllUploads()).toEqual([]);
  });
});

describe('tusError', () => {
  const response = (status: number, body: string) => ({ getStatus: () => status, getBody: () => body, getHeader: () => undefined, getUnderlyingObject: () => null });

  it('is the server’s problem when it answered, the bare status otherwise, and network without an answer', () => {
    const refused = Object.assign(new Error('tus: unexpected response'), {
      originalResponse: response(415, JSON.stringify({ code: 'media_type_not_allowed', detail: 'application/x-msdownload is not an image' })),
    });
    expect(tusError(refused)).toMatchObject({ code: 'media_type_not_allowed', status: 415, message: 'application/x-msdownload is not an image' });
    expect(tusError(Object.assign(new Error('x'), { originalResponse: response(502, 'Bad gateway') }))).toMatchObject({ code: 'internal', status: 502 });
    expect(tusError(new Error('socket hang up'))).toMatchObject({ code: 'network', status: 0, retryable: true });
  });
});

describe('mediaIdOf', () => {
  it('takes the media id the upload URL ends in, and refuses a URL that ends in something else', () => {
    expect(mediaIdOf('http://127.0.0.1:1/v1/uploads/med_abc-1_Z')).toBe('med_abc-1_Z');
    expect(() => mediaIdOf('http://127.0.0.1:1/v1/uploads/abc')).toThrow(/does not end in a media id/);
  });
});
