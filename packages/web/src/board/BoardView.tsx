import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
} from 'react';
import { useStore } from 'react-redux';
import type { Line } from '@chat/protocol';
import { useApi } from '../api/context.tsx';
import { StrokeStreamer, type StrokeStyle } from '../api/stroke.ts';
import { uuid4 } from '../api/uuid.ts';
import { drawingActions, shownLines, type DrawingState } from '../store/drawing.ts';
import { useAppDispatch, useAppSelector, type AppStore } from '../store/index.ts';
import { Cursors } from './Cursors.tsx';
import { BOARD, toScreen } from './geometry.ts';
import { LiveLayer } from './live.ts';
import { inkOf, widthOf } from './paint.ts';
import { PointerInput, wheel, type PointerAt } from './pointer.ts';
import { Scene } from './scene.ts';
import type { ViewState } from './view.ts';

/** Board units an arrow key moves the keyboard pen (Shift: the larger step). */
const KEY_STEP = { small: 10, large: 50 } as const;
const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};
const clampTo = (n: number, max: number) => Math.min(max, Math.max(0, n));

/** Canvas pixels per CSS pixel: the screen's, at most 2 (more costs memory and paint). */
function pixelRatio(): number {
  return Math.min(2, Math.max(1, window.devicePixelRatio || 1));
}

function shownCount(d: DrawingState): number {
  return d.reset ? shownLines(d.order, d.reset).length : d.order.length;
}

/** The keyboard pen: where it is, down (filled) or up (dashed), at this person's view. */
function PenMarker({
  views,
  at,
  down,
  style,
}: {
  views: ViewState;
  at: { x: number; y: number };
  down: boolean;
  style: StrokeStyle;
}) {
  const view = useSyncExternalStore(views.subscribe, views.getSnapshot);
  const [x, y] = toScreen(view, at.x, at.y);
  const size = widthOf(style) * view.scale + 8;
  const css = {
    width: size,
    height: size,
    transform: `translate(${x - size / 2}px, ${y - size / 2}px)`,
    background: down ? inkOf(style) : undefined,
  } satisfies CSSProperties;
  return <div className={down ? 'board-pen down' : 'board-pen'} style={css} aria-hidden="true" />;
}

export interface BoardViewProps {
  views: ViewState;
  /** The style a new stroke takes. */
  style: StrokeStyle;
  /** What a pointer does: draw, or move the view (the hand). */
  mode: 'draw' | 'move';
  /** Shown over the board's corner (the zoom controls). */
  children?: ReactNode;
}

/**
 * The board: the committed lines (Scene: painted once with a margin around the view, again only
 * when lines go, the view rests after a change or a pan goes into the margin), the strokes being drawn on their own layer (LiveLayer: new segments
 * only), the others' cursors, the keyboard pen. Pointer, touch, wheel and keyboard input.
 */
export function BoardView({ views, style, mode, children }: BoardViewProps) {
  const api = useApi();
  const dispatch = useAppDispatch();
  const store = useStore() as AppStore;
  const count = useAppSelector((s) => shownCount(s.drawing));
  const loaded = useAppSelector((s) => s.drawing.loaded);
  const wrap = useRef<HTMLDivElement>(null);
  const area = useRef<HTMLDivElement>(null);
  const sceneCanvas = useRef<HTMLCanvasElement>(null);
  const liveCanvas = useRef<HTMLCanvasElement>(null);
  const now = useRef({ style, mode });
  now.current = { style, mode };
  // the keyboard pen: arrows move it, Space or Enter puts it down and lifts it
  const [pen, setPen] = useState({ x: BOARD.width / 2, y: BOARD.height / 2 });
  const [focused, setFocused] = useState(false);
  const [penDown, setPenDown] = useState(false);

  const streamer = useMemo(
    () =>
      new StrokeStreamer(
        {
          local: (uuid, points, s) =>
            dispatch(
              drawingActions.pointsAppended({
                uuid,
                points,
                ...s,
                user_uuid: store.getState().user.me?.uuid ?? '',
              }),
            ),
          append: (uuid, points, s) => api.appendPoints(uuid, points, s),
          finish: (line) => api.finishLine(line),
        },
        uuid4,
      ),
    [api, dispatch, store],
  );

  const input = useMemo(
    () =>
      new PointerInput(views, {
        mode: () => now.current.mode,
        begin: (x, y) => {
          dispatch(drawingActions.strokeStarted());
          streamer.begin(x, y, now.current.style);
        },
        move: (x, y) => streamer.move(x, y),
        end: () => streamer.end(),
        point: (x, y) => api.moveCursor(x, y),
      }),
    [views, streamer, api, dispatch],
  );

  useEffect(
    () => () => {
      input.dispose();
      streamer.dispose();
    },
    [input, streamer],
  );

  // the store and the view, to the canvases
  useLayoutEffect(() => {
    const el = wrap.current!;
    const box = area.current!;
    const scene = new Scene(sceneCanvas.current!, (painted) => {
      el.dataset.painted = String(painted);
    });
    const live = new LiveLayer(liveCanvas.current!);
    // what was last given to the layers: the whole lines change once a stroke, the live ones
    // with every point (and are few)
    let seen: DrawingState | null = null;
    let whole: Line[] = [];
    let wholePoints = 0;
    let moving: Line[] = [];
    let movingPoints = 0;
    const update = () => {
      const d = store.getState().drawing;
      if (d === seen) return;
      const before = seen;
      seen = d;
      if (d.lines !== before?.lines || d.order !== before.order || d.reset !== before.reset) {
        whole = [];
        wholePoints = 0;
        for (const id of shownLines(d.order, d.reset)) {
          const line = d.lines[id];
          if (!line) continue;
          whole.push(line);
          wholePoints += line.points.length;
        }
        scene.setLines(whole);
      }
      if (d.live !== before?.live || d.reset !== before.reset) {
        const hidden = d.reset?.hidden;
        moving = Object.values(d.live).filter((l) => !hidden?.[l.uuid]);
        movingPoints = moving.reduce((n, l) => n + l.points.length, 0);
        live.setLines(moving);
      }
      el.dataset.lines = String(whole.length + moving.length);
      el.dataset.points = String(wholePoints + movingPoints);
    };
    const place = () => {
      const v = views.view;
      scene.setView(v);
      live.setView(v);
      el.dataset.scale = String(v.scale);
      el.dataset.viewX = String(v.x);
      el.dataset.viewY = String(v.y);
    };
    const measure = () => {
      const size = { width: box.clientWidth, height: box.clientHeight };
      views.resize(size);
      const dpr = pixelRatio();
      scene.resize(size, dpr);
      live.resize(size, dpr);
      place();
    };
    measure();
    update();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    const offView = views.subscribe(place);
    const offStore = store.subscribe(update);
    return () => {
      observer.disconnect();
      offView();
      offStore();
      scene.dispose();
    };
  }, [store, views]);

  // the wheel (not passive: the page must not scroll or zoom instead)
  useEffect(() => {
    const box = area.current!;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = box.getBoundingClientRect();
      wheel(views, e, { x: e.clientX - r.left, y: e.clientY - r.top });
    };
    box.addEventListener('wheel', onWheel, { passive: false });
    return () => box.removeEventListener('wheel', onWheel);
  }, [views]);

  const at = (e: PointerEvent<HTMLDivElement>): PointerAt => {
    const r = e.currentTarget.getBoundingClientRect();
    return {
      pointerId: e.pointerId,
      pointerType: e.pointerType,
      button: e.button,
      x: e.clientX - r.left,
      y: e.clientY - r.top,
    };
  };

  const movePen = (x: number, y: number) => {
    setPen({ x, y });
    views.show(x, y);
    api.moveCursor(x, y);
    if (streamer.drawing) streamer.move(x, y);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const arrow = ARROWS[e.key];
    const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
    if (arrow && (e.ctrlKey || e.metaKey) && !e.altKey) {
      // the view moves by a fifth of itself
      e.preventDefault();
      const s = views.size;
      views.pan((-arrow[0] * s.width) / 5, (-arrow[1] * s.height) / 5);
    } else if (arrow && plain) {
      e.preventDefault();
      const step = e.shiftKey ? KEY_STEP.large : KEY_STEP.small;
      movePen(
        clampTo(pen.x + arrow[0] * step, BOARD.width),
        clampTo(pen.y + arrow[1] * step, BOARD.height),
      );
    } else if ((e.key === ' ' || e.key === 'Enter') && plain) {
      e.preventDefault();
      if (streamer.drawing) streamer.end();
      else {
        dispatch(drawingActions.strokeStarted());
        streamer.begin(pen.x, pen.y, style);
      }
      setPenDown(streamer.drawing);
    } else if (e.key === 'Escape' && streamer.drawing) {
      streamer.end();
      setPenDown(false);
    } else if ((e.key === '+' || e.key === '=') && plain) {
      e.preventDefault();
      views.zoomIn();
    } else if ((e.key === '-' || e.key === '_') && plain) {
      e.preventDefault();
      views.zoomOut();
    } else if (e.key === '0' && plain) {
      e.preventDefault();
      views.fit();
    }
  };

  return (
    <div ref={wrap} className="board-wrap" data-testid="board" data-loaded={loaded}>
      <div
        ref={area}
        className={mode === 'move' ? 'board board-move' : 'board'}
        role="application"
        aria-roledescription="drawing board"
        aria-label={`Shared drawing board with ${count} strokes`}
        aria-describedby="board-keys"
        tabIndex={0}
        onKeyDown={onKeyDown}
        // the pen marker is for keyboard users: not shown when a click focused the board
        onFocus={(e) => setFocused(e.currentTarget.matches(':focus-visible'))}
        onBlur={() => {
          setFocused(false);
          streamer.end();
          setPenDown(false);
        }}
        onPointerDown={(e) => {
          const target = e.currentTarget;
          if (!input.down(at(e))) return;
          e.preventDefault();
          // the keys (zoom, undo) work after a click too
          target.focus({ preventScroll: true });
          if (typeof target.setPointerCapture === 'function') {
            try {
              target.setPointerCapture(e.pointerId);
            } catch {
              // a pointer already gone
            }
          }
        }}
        onPointerMove={(e) => input.move(at(e))}
        onPointerUp={(e) => input.up(at(e))}
        onPointerCancel={(e) => input.cancel(at(e))}
      >
        <canvas ref={sceneCanvas} className="board-layer board-scene" />
        <canvas ref={liveCanvas} className="board-layer board-live" />
        <Cursors views={views} />
        {focused && <PenMarker views={views} at={pen} down={penDown} style={style} />}
      </div>
      {children}
    </div>
  );
}
