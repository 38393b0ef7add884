/**
 * The box a picture of `width`×`height` is shown in: its shape, at most `maxWidth`×`maxHeight`
 * px, never enlarged, and at least `min` px on each side (a very long picture is cropped by the
 * box instead of becoming a thin line). Known before the picture loads, so the chat's rows do
 * not change height when it arrives; a 4:3 box when the size is unknown.
 */
export function fitBox(width: number | undefined, height: number | undefined, maxWidth: number, maxHeight: number, min = 0): { width: number; height: number } {
  const [w, h, most] = width && height ? [width, height, 1] : [4, 3, Infinity];
  const scale = Math.min(maxWidth / w, maxHeight / h, most);
  return { width: Math.max(min, Math.round(w * scale)), height: Math.max(min, Math.round(h * scale)) };
}

/** The extension of a file name in capitals (PDF, ZIP), or null. */
export function extensionOf(name: string | undefined): string | null {
  const m = name ? /\.([A-Za-z0-9]{1,8})$/.exec(name) : null;
  return m ? m[1]!.toUpperCase() : null;
}

/** A position for people: 51.50740° N, 0.12780° W. */
export function coordinatesText(lat: number, lng: number): string {
  return `${Math.abs(lat).toFixed(5)}° ${lat < 0 ? 'S' : 'N'}, ${Math.abs(lng).toFixed(5)}° ${lng < 0 ? 'W' : 'E'}`;
}
