import { isOttrError } from '@ottr/sdk/browser';
import { errorText } from '../../components/Toasts.js';

/** What to say when the person typed neither a phone number nor an email address. */
export const BAD_IDENTIFIER = 'Enter a phone number with its country code (like +44 7700 900123) or an email address.';

/** A sentence for a failed lookup of a phone number or email (not registered, offline, …). */
export function lookupErrorText(err: unknown, identifier: { phone: string } | { email: string }): string {
  if (isOttrError(err)) {
    if (err.code === 'not_found') return 'phone' in identifier ? 'No ottr account has that number' : 'No ottr account has that email';
    if (err.code === 'network' || err.code === 'timeout' || err.code === 'disconnected') return 'You’re offline. Try again when you’re connected.';
  }
  return errorText(err);
}
