/**
 * The signed URL of a media file with `download=1`: the server answers it with
 * Content-Disposition: attachment, so a link to it saves the file instead of opening it.
 */
export function downloadUrl(signedUrl: string): string {
  const url = new URL(signedUrl, window.location.href);
  url.searchParams.set('download', '1');
  return url.href;
}
