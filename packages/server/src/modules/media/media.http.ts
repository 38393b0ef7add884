import type { HttpHandlers } from '../../handlers.js';
import type { MediaService } from './media.service.js';

export function mediaRoutes(media: MediaService): HttpHandlers {
  return {
    getMedia: (ctx, { params }) => media.view(ctx.auth.accountId, params.mediaId),
    getStorage: (ctx) => media.storage(ctx.auth.accountId),
    listStickerPacks: async (ctx) => ({ items: await media.listPacks(ctx.auth.accountId) }),
    createStickerPack: (ctx, { body }) => media.createPack(ctx.auth.accountId, body.title),
    getStickerPack: (_ctx, { params }) => media.getPack(params.packId),
    addSticker: (ctx, { params, body }) => media.addSticker(ctx.auth.accountId, params.packId, body.mediaId, body.emoji),
    removeSticker: (ctx, { params }) => media.removeSticker(ctx.auth.accountId, params.packId, params.mediaId),
    installStickerPack: (ctx, { params }) => media.installPack(ctx.auth.accountId, params.packId),
    uninstallStickerPack: (ctx, { params }) => media.uninstallPack(ctx.auth.accountId, params.packId),
  };
}
