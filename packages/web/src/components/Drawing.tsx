import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { Circle, Layer, Line as KonvaLine, Rect, Stage } from 'react-konva';
import type Konva from 'konva';
import { DRAW_COLORS, type Line, type Tool } from '@chat/protocol';
import { RESET_UNDO_MS } from '../api/chatApi.ts';
import { useApi } from '../api/context.tsx';
import { StrokeStreamer } from '../api/stroke.ts';
import { uuid4 } from '../api/uuid.ts';
import { selectCurrentRoom, useAppDispatch, useAppSelector } from '../store/index.ts';
import { drawingActions, lastOwnLine, shownLines } from '../store/drawing.ts';
import { LOCKED_TITLE, mayManage } from '../owners.ts';
import { Button } from './Buttons.tsx';
import { ColorPicker } from './ColorPicker.tsx';
import { ConfirmButton } from './Confirm.tsx';

/** One coordinate space shared by every browser; the stage scales it to the panel. */
export const BOARD = { width: 1200, height: 900 } as const;
const WIDTH: Record<Tool, number> = { pen: 4, eraser: 28 };

const LineShape = memo(function LineShape({ line }: { line: Line }) {
  return (
    <KonvaLine
      points={line.points}
      stroke={line.color}
      strokeWidth={WIDTH[line.tool] ?? 4}
      lineCap="round"
      lineJoin="round"
      globalCompositeOperation={line.tool === 'eraser' ? 'destination-out' : 'source-over'}
      listening={false}
      perfectDrawEnabled={false}
    />
  );
});

function useSize(ref: React.RefObject<HTMLDivElement | null>) {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Board units an arrow key moves the keyboard pen (Shift: the larger step). */
const KEY_STEP = { small: 10, large: 50 } as const;
const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};
const clampTo = (n: number, max: number) => Math.min(max, Math.max(0, n));

/** The shared drawing board: pen, eraser, 18 colors, undo, reset, PNG export; mouse and touch. */
export default function Drawing() {
  const api = useApi();
  const dispatch = useAppDispatch();
  const all = useAppSelector((s) => s.drawing.order);
  const reset = useAppSelector((s) => s.drawing.reset);
  // a reset waiting to be committed hides the lines it clears (see ChatApi.resetDrawingLater)
  const order = useMemo(() => shownLines(all, reset), [all, reset]);
  const lines = useAppSelector((s) => s.drawing.lines);
  const loaded = useAppSelector((s) => s.drawing.loaded);
  const me = useAppSelector((s) => s.user.me?.uuid);
  const undoable = useAppSelector((s) => lastOwnLine(s.drawing, me));
  const may = useAppSelector((s) => mayManage(selectCurrentRoom(s), me));
  const [tool, setTool] = useState<Tool>('pen');
  const [color, setColor] = useState<string>(DRAW_COLORS[0]);
  const wrap = useRef<HTMLDivElement>(null);
  const stage = useRef<Konva.Stage>(null);
  const size = useSize(wrap);
  const scale = Math.max(0.05, Math.min(size.width / BOARD.width, size.height / BOARD.height));
  const meRef = useRef(me);
  meRef.current = me;
  // the keyboard pen: arrows move it, Space or Enter puts it down and lifts it
  const [cursor, setCursor] = useState({ x: BOARD.width / 2, y: BOARD.height / 2 });
  const [focused, setFocused] = useState(false);
  const [penDown, setPenDown] = useState(false);

  const streamer = useMemo(
    () =>
      new StrokeStreamer(
        {
          local: (uuid, points, style) =>
            dispatch(
              drawingActions.pointsAppended({
                uuid,
                points,
                ...style,
                user_uuid: meRef.current ?? '',
              }),
            ),
          append: (uuid, points, style) => api.appendPoints(uuid, points, style),
          finish: (line) => api.finishLine(line),
        },
        uuid4,
      ),
    [api, dispatch],
  );
  useEffect(() => {
    const up = () => streamer.end();
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', up);
    return () => {
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', up);
      streamer.dispose();
    };
  }, [streamer]);

  const point = (): [number, number] | null => {
    const p = stage.current?.getPointerPosition();
    if (!p) return null;
    const x = Math.min(BOARD.width, Math.max(0, p.x / scale));
    const y = Math.min(BOARD.height, Math.max(0, p.y / scale));
    return [round(x), round(y)];
  };

  const exportPng = () => {
    const s = stage.current;
    if (!s) return;
    const url = s.toDataURL({ mimeType: 'image/png', pixelRatio: 1 / scale });
    const a = document.createElement('a');
    a.href = url;
    a.download = 'drawing.png';
    document.body.appendChild(a);
    a.click();
    a.remove();
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const arrow = ARROWS[e.key];
    if (arrow) {
      e.preventDefault();
      const step = e.shiftKey ? KEY_STEP.large : KEY_STEP.small;
      const x = clampTo(cursor.x + arrow[0] * step, BOARD.width);
      const y = clampTo(cursor.y + arrow[1] * step, BOARD.height);
      setCursor({ x, y });
      if (streamer.drawing) streamer.move(x, y);
    } else if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      if (streamer.drawing) streamer.end();
      else streamer.begin(cursor.x, cursor.y, { color, tool });
      setPenDown(streamer.drawing);
    } else if (e.key === 'Escape' && streamer.drawing) {
      streamer.end();
      setPenDown(false);
    }
  };

  const points = order.reduce((n, id) => n + (lines[id]?.points.length ?? 0), 0);

  return (
    <section className="drawing panel-body" aria-label="Drawing">
      <div className="drawing-tools" role="toolbar" aria-label="Drawing tools">
        <Button aria-pressed={tool === 'pen'} onClick={() => setTool('pen')}>
          Pen
        </Button>
        <Button aria-pressed={tool === 'eraser'} onClick={() => setTool('eraser')}>
          Eraser
        </Button>
        <Button
          onClick={() => undoable && api.deleteLine(undoable)}
          disabled={!undoable}
          aria-label="Undo my last stroke"
        >
          Undo
        </Button>
        <ConfirmButton
          className="btn-danger"
          label="Reset drawing"
          question={`Clear the board for everyone? You can undo it for ${RESET_UNDO_MS / 1000} seconds.`}
          confirm="Reset"
          onConfirm={() => api.resetDrawingLater()}
          disabled={!may || reset !== null}
          title={may ? undefined : LOCKED_TITLE}
        >
          Reset
        </ConfirmButton>
        <Button onClick={exportPng} aria-label="Export PNG of the drawing">
          Export PNG
        </Button>
      </div>
      <ColorPicker
        colors={DRAW_COLORS}
        value={color}
        onChange={(c) => {
          setColor(c);
          setTool('pen');
        }}
        label="Drawing colors"
        className="draw-colors"
      />
      <div
        ref={wrap}
        className="board-wrap"
        data-testid="board"
        data-lines={order.length}
        data-points={points}
        data-loaded={loaded}
      >
        {size.width > 0 && (
          <div
            className="board"
            role="application"
            aria-roledescription="drawing board"
            aria-label={`Shared drawing board with ${order.length} strokes`}
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
            style={{ width: BOARD.width * scale, height: BOARD.height * scale }}
          >
            <Stage
              ref={stage}
              width={BOARD.width * scale}
              height={BOARD.height * scale}
              scaleX={scale}
              scaleY={scale}
              onPointerDown={(e) => {
                e.evt.preventDefault();
                const p = point();
                if (p) streamer.begin(p[0], p[1], { color, tool });
              }}
              onPointerMove={() => {
                if (!streamer.drawing) return;
                const p = point();
                if (p) streamer.move(p[0], p[1]);
              }}
              onPointerUp={() => streamer.end()}
            >
              <Layer listening={false}>
                <Rect x={0} y={0} width={BOARD.width} height={BOARD.height} fill="#ffffff" />
              </Layer>
              <Layer>
                {order.map((id) => {
                  const line = lines[id];
                  return line ? <LineShape key={id} line={line} /> : null;
                })}
                {focused && (
                  <Circle
                    x={cursor.x}
                    y={cursor.y}
                    radius={WIDTH[tool] / 2 + 4}
                    stroke="#333333"
                    strokeWidth={2}
                    fill={penDown ? (tool === 'eraser' ? '#ffffff' : color) : undefined}
                    dash={penDown ? undefined : [4, 3]}
                    listening={false}
                  />
                )}
              </Layer>
            </Stage>
          </div>
        )}
      </div>
      <p id="board-keys" className="sr-only">
        Arrow keys move the pen, with Shift in larger steps; Space or Enter puts the pen down and
        lifts it; Escape lifts it.
      </p>
    </section>
  );
}
