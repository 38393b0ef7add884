import type { MediaId, StickerPack, StickerPackId } from '@ottr/protocol';
import type { ClientCore } from '../client.js';

/**
 * Sticker packs: the ones you created or installed, yours to fill with stickers you uploaded
 * (`media.upload(file, { kind: 'sticker' })`). Anyone can see and send stickers of any pack; send
 * one with `messages.send(cid, { kind: 'sticker', mediaId })`.
 */
export class StickersApi {
  constructor(private readonly core: ClientCore) {}

  /** The packs you created or installed. */
  async list(): Promise<StickerPack[]> {
    return (await this.core.rest.request('listStickerPacks')).items;
  }

  /** Creates an empty pack of yours. */
  create(title: string): Promise<StickerPack> {
    return this.core.rest.request('createStickerPack', { body: { title } });
  }

  /** A pack with its stickers. */
  get(packId: StickerPackId): Promise<StickerPack> {
    return this.core.rest.request('getStickerPack', { params: { packId } });
  }

  /** Adds a sticker you uploaded (kind `sticker`) to your pack. */
  add(packId: StickerPackId, mediaId: MediaId, emoji?: string): Promise<StickerPack> {
    return this.core.rest.request('addSticker', { params: { packId }, body: { mediaId, ...(emoji !== undefined ? { emoji } : {}) } });
  }

  /** Takes a sticker out of your pack. */
  async remove(packId: StickerPackId, mediaId: MediaId): Promise<void> {
    await this.core.rest.request('removeSticker', { params: { packId, mediaId } });
  }

  /** Adds someone's pack to your list. */
  install(packId: StickerPackId): Promise<StickerPack> {
    return this.core.rest.request('installStickerPack', { params: { packId } });
  }

  /** Removes a pack from your list. */
  async uninstall(packId: StickerPackId): Promise<void> {
    await this.core.rest.request('uninstallStickerPack', { params: { packId } });
  }
}
