/**
 * The title field of an open card: an uncontrolled <input> kept in step with the title's Y.Text
 * by titleBinding (carets and selections survive others' edits, IME compositions are left alone),
 * with the others' carets in it drawn over it (titleCarets).
 */
import { useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import { LIMITS } from '../../shared/schema.ts';
import type { BoardConnection } from '../sync/boardConnection.ts';
import { bindTitleInput } from './titleBinding.ts';
import { drawTitleCarets, publishTitleCaret, readTitleCarets } from './titleCarets.ts';

export type CardTitleInputProps = {
  conn: BoardConnection;
  cardId: string;
  /** writes the title (the board action, so it is this person's undo step and origin) */
  write: (title: string, caret: number) => void;
  placeholder: string;
  autoFocus: boolean;
  onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => void;
};

export function CardTitleInput({ conn, cardId, write, placeholder, autoFocus, onKeyDown }: CardTitleInputProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const layerRef = useRef<HTMLSpanElement>(null);
  const writeRef = useRef(write);
  writeRef.current = write;

  useLayoutEffect(() => {
    const input = inputRef.current!;
    const awareness = conn.provider.awareness;
    const unbind = bindTitleInput({
      doc: conn.doc,
      id: cardId,
      input,
      write: (title, caret) => writeRef.current(title, caret),
      onCaret: (caret) => publishTitleCaret(awareness, cardId, caret),
    });
    // Opening on the title: caret at the end, after the binding filled the field.
    if (autoFocus) {
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    }

    // Redraw the others' carets at most once a frame, when they move, the text changes or the
    // field scrolls or resizes.
    let frame = 0;
    const redraw = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        const layer = layerRef.current;
        if (layer) drawTitleCarets(layer, input, readTitleCarets(awareness, conn.doc, cardId));
      });
    };
    const resize = new ResizeObserver(redraw);
    resize.observe(input);
    awareness.on('change', redraw);
    conn.doc.on('afterTransaction', redraw);
    for (const type of ['input', 'scroll', 'keyup', 'select', 'focus', 'blur'] as const) input.addEventListener(type, redraw);
    redraw();
    return () => {
      unbind();
      cancelAnimationFrame(frame);
      resize.disconnect();
      awareness.off('change', redraw);
      conn.doc.off('afterTransaction', redraw);
      for (const type of ['input', 'scroll', 'keyup', 'select', 'focus', 'blur'] as const) input.removeEventListener(type, redraw);
    };
    // Bound once per card: autoFocus only matters on opening.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conn, cardId]);

  return (
    <span className="title-field">
      <input
        ref={inputRef}
        className="input card__title-input"
        maxLength={LIMITS.title}
        placeholder={placeholder}
        onKeyDown={onKeyDown}
        data-card-title-input={cardId}
      />
      <span className="title-field__carets" ref={layerRef} aria-hidden="true" />
    </span>
  );
}
