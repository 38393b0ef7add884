import { isOttrError, type ConversationId } from '@ottr/sdk/browser';
import { FormError, useAction } from '../../components/Form.js';
import { useOttr } from '../../app/ottr.js';
import { errorText } from '../../components/Toasts.js';

/**
 * "Join channel" for someone who opened a channel's link without being a member: joins, and the
 * conversation (now active in the SDK's cache) shows as usual. For the chat view and the info
 * pane. The server does not show a conversation to non-members (403), so whether the link is a
 * channel is only known by trying: a group's link ends in a sentence saying so.
 */
export function JoinChannel({ id, title }: { id: ConversationId; title?: string }) {
  const { client } = useOttr();
  const { busy, error, run } = useAction();
  async function join() {
    await run(
      () => client.conversations.join(id),
      (err) => (isOttrError(err) && (err.code === 'not_found' || err.code === 'forbidden') ? 'This isn’t a channel you can join: ask a member to add you.' : errorText(err)),
    );
  }
  return (
    <div className="join-channel">
      <p>{title ? `You’re not subscribed to ${title}.` : 'You’re not a member of this chat. If it’s a channel, you can join it.'}</p>
      <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void join()}>
        {busy ? 'Joining…' : 'Join channel'}
      </button>
      <FormError error={error} />
    </div>
  );
}
