import { fileTypeFromFile } from 'file-type';

/** The type of unrecognised bytes: stored and served as an opaque download. */
const UNKNOWN_TYPE = 'application/octet-stream';

/**
 * MIME type from the file's bytes (magic numbers), never from its name or the client's claim:
 * an .exe named photo.png sniffs as application/x-msdownload. 'application/octet-stream' when
 * file-type does not recognise the bytes (plain text, random data).
 */
export async function sniff(file: string): Promise<string> {
  return (await fileTypeFromFile(file))?.mime ?? UNKNOWN_TYPE;
}
