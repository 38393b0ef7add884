import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { OttrClient } from '@ottr/sdk/browser';
import { useMe, useOttr } from '../../../app/ottr.js';
import { FormError, useAction } from '../../../components/Form.js';
import { fitBox } from './format.js';
import type { Media } from './kinds.js';
import { Picture } from './Picture.js';
import { useUpload } from './useUpload.js';

type StickerPack = Awaited<ReturnType<OttrClient['stickers']['list']>>[number];

/** Side of a sticker in the picker (px). */
const CELL = 64;
/** What a sticker file may be (the server's sticker types). */
const STICKER_TYPES = 'image/webp,image/png,image/gif';

/** Add sticker: a file picker that uploads the image as a sticker and adds it to the pack. */
function AddSticker({ pack, onAdded }: { pack: StickerPack; onAdded: () => void }) {
  const { client } = useOttr();
  const upload = useUpload();
  const inputId = useId();
  const adding = useAction();
  const add = async (file: File) => {
    adding.setError(null);
    const media = await upload.start(file, { kind: 'sticker', name: file.name });
    if (media) await adding.run(async () => client.stickers.add(pack.id, media.id).then(onAdded));
  };
  return (
    <>
      <label htmlFor={inputId} className="btn btn-small sticker-add">
        {upload.progress !== null ? `Uploading… ${Math.round(upload.progress * 100)}%` : 'Add sticker'}
      </label>
      <input
        id={inputId}
        type="file"
        accept={STICKER_TYPES}
        className="visually-hidden"
        aria-label={`Add sticker to ${pack.title}`}
        disabled={upload.progress !== null}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void add(file);
        }}
      />
      <FormError error={upload.error ?? adding.error} />
    </>
  );
}

/**
 * The sticker tab of the composer's picker: your packs and the ones you installed, each sticker
 * a button that sends it; New sticker pack, and Add sticker (an image file) to your own packs.
 */
export function StickerPicker({ onPick }: { onPick: (sticker: Media) => void }) {
  const { client } = useOttr();
  const me = useMe();
  const [packs, setPacks] = useState<StickerPack[] | null>(null);
  const [title, setTitle] = useState('');
  const loading = useAction();
  const creating = useAction();
  const titleId = useId();
  const { run } = loading;
  const load = useCallback(() => void run(async () => setPacks(await client.stickers.list())), [client, run]);
  useEffect(load, [load]);

  const create = (e: FormEvent) => {
    e.preventDefault();
    const name = title.trim();
    if (!name) return;
    void creating.run(async () => {
      await client.stickers.create(name);
      setTitle('');
      load();
    });
  };

  return (
    <div className="sticker-picker">
      {packs === null && !loading.error ? <p className="hint">Loading stickers…</p> : null}
      <FormError error={loading.error} />
      {packs?.length === 0 ? <p className="hint">No stickers yet: make a pack and add pictures to it.</p> : null}
      {packs?.map((pack) => (
        <section key={pack.id} className="sticker-pack" aria-label={pack.title}>
          <h3 className="emoji-heading">{pack.title}</h3>
          <div className="sticker-grid">
            {pack.stickers.map((s) => (
              <button key={s.mediaId} type="button" className="sticker-cell" aria-label={s.emoji ? `Sticker ${s.emoji}` : 'Sticker'} onClick={() => onPick(s.media)}>
                <Picture mediaId={s.mediaId} variant="original" info={s.media} box={fitBox(s.media.width, s.media.height, CELL, CELL)} alt="" />
              </button>
            ))}
          </div>
          {pack.ownerId === me ? <AddSticker pack={pack} onAdded={load} /> : null}
        </section>
      ))}
      <form className="sticker-new" onSubmit={create}>
        <label htmlFor={titleId} className="visually-hidden">
          Pack name
        </label>
        <input id={titleId} className="input" placeholder="Pack name" maxLength={64} value={title} onChange={(e) => setTitle(e.target.value)} />
        <button type="submit" className="btn btn-small" disabled={creating.busy || !title.trim()}>
          New sticker pack
        </button>
      </form>
      <FormError error={creating.error} />
    </div>
  );
}
