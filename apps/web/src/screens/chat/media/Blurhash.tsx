import { decode, isBlurhashValid } from 'blurhash';
import { useLayoutEffect, useRef } from 'react';

/** Decoded this small and stretched by CSS: a blurhash has no detail to lose. */
const SIZE = 32;

/**
 * A picture's blurhash placeholder, drawn into a canvas that fills its box (straight pixels,
 * no data: URL). Nothing for a hash that does not parse.
 */
export function Blurhash({ hash }: { hash: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const valid = isBlurhashValid(hash).result;
  useLayoutEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !valid) return;
    const image = ctx.createImageData(SIZE, SIZE);
    image.data.set(decode(hash, SIZE, SIZE));
    ctx.putImageData(image, 0, 0);
  }, [hash, valid]);
  if (!valid) return null;
  return <canvas ref={canvas} className="media-blurhash" width={SIZE} height={SIZE} aria-hidden="true" />;
}
