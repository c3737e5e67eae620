import { useEffect, useReducer, useSyncExternalStore, type CSSProperties } from 'react';
import { colorOf, inkOn } from '../identity.ts';
import { useAppSelector } from '../store/index.ts';
import { toScreen } from './geometry.ts';
import type { ViewState } from './view.ts';

/** A cursor still for this long is hidden; it shows again when it moves. */
export const CURSOR_IDLE_MS = 5_000;

/**
 * Where the others in the room point: an arrow and their name in their color (the light
 * themes' shade: the board's paper is white in every theme), at this person's view.
 */
export function Cursors({ views }: { views: ViewState }) {
  const cursors = useAppSelector((s) => s.drawing.cursors);
  const me = useAppSelector((s) => s.user.me?.uuid);
  const view = useSyncExternalStore(views.subscribe, views.getSnapshot);
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  const now = Date.now();
  const moving = Object.entries(cursors).filter(
    ([id, c]) => id !== me && now - c.at < CURSOR_IDLE_MS,
  );
  // the next one to fall still hides then
  const next = Math.min(...moving.map(([, c]) => c.at + CURSOR_IDLE_MS));
  useEffect(() => {
    if (!Number.isFinite(next)) return;
    const t = setTimeout(refresh, Math.max(0, next - Date.now()) + 1);
    return () => clearTimeout(t);
  }, [next]);
  return (
    <div className="board-cursors" aria-hidden="true">
      {moving.map(([id, c]) => {
        const [x, y] = toScreen(view, c.x, c.y);
        const color = colorOf(id).light;
        const style = {
          transform: `translate(${x}px, ${y}px)`,
          '--cursor': color,
          '--cursor-ink': inkOn(color),
        } as CSSProperties;
        return (
          <div key={id} className="board-cursor" data-user={id} style={style}>
            <svg viewBox="0 0 16 16" width="18" height="18" aria-hidden="true">
              <path d="M1 1v12.5l3.6-3.3 2.5 5.3 2.2-1-2.5-5.2h5z" />
            </svg>
            <span className="board-cursor-name">{c.name}</span>
          </div>
        );
      })}
    </div>
  );
}
