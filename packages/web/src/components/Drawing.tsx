import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useStore } from 'react-redux';
import { DRAW_COLORS, type Tool } from '@chat/protocol';
import { RESET_UNDO_MS } from '../api/chatApi.ts';
import { useApi } from '../api/context.tsx';
import { BoardView } from '../board/BoardView.tsx';
import { boardPng, download } from '../board/exportPng.ts';
import { fitView } from '../board/geometry.ts';
import { ORIGINAL_WIDTH, WIDTHS } from '../board/paint.ts';
import { ViewState } from '../board/view.ts';
import { lastOwnLine, shownLines } from '../store/drawing.ts';
import { selectCurrentRoom, useAppSelector, type AppStore } from '../store/index.ts';
import { LOCKED_TITLE, mayManage } from '../owners.ts';
import { Button } from './Buttons.tsx';
import { ColorPicker } from './ColorPicker.tsx';
import { ConfirmButton } from './Confirm.tsx';

/** Diameters the width buttons show, by the width's rank in its tool's list (CSS pixels). */
const SWATCH = [6, 9, 13, 18];

function WidthPicker({
  tool,
  value,
  color,
  onChange,
}: {
  tool: Tool;
  value: number;
  color: string;
  onChange: (width: number) => void;
}) {
  return (
    <div role="group" aria-label="Brush width" className="width-picker">
      {WIDTHS[tool].map((w, i) => (
        <button
          key={w}
          type="button"
          className={w === value ? 'width-option selected' : 'width-option'}
          aria-label={`Width ${w}`}
          aria-pressed={w === value}
          title={`${tool === 'eraser' ? 'Eraser' : 'Pen'} width ${w}`}
          onClick={() => onChange(w)}
        >
          <span
            className={tool === 'eraser' ? 'width-dot eraser' : 'width-dot'}
            style={{
              width: SWATCH[i],
              height: SWATCH[i],
              background: tool === 'eraser' ? undefined : color,
            }}
          />
        </button>
      ))}
    </div>
  );
}

function ZoomControls({ views }: { views: ViewState }) {
  const view = useSyncExternalStore(views.subscribe, views.getSnapshot);
  const percent = Math.round(view.scale * 100);
  const fitted = Math.abs(view.scale - fitView(views.size).scale) < 1e-9;
  return (
    <div role="group" aria-label="Zoom" className="zoom-controls">
      <Button onClick={() => views.zoomOut()} aria-label="Zoom out" title="Zoom out (-)">
        −
      </Button>
      <Button
        className="zoom-level"
        onClick={() => views.actualSize()}
        aria-label={`Zoom ${percent}%, set to 100%`}
        title="Zoom to 100%"
      >
        {percent}%
      </Button>
      <Button onClick={() => views.zoomIn()} aria-label="Zoom in" title="Zoom in (+)">
        +
      </Button>
      <Button
        onClick={() => views.fit()}
        aria-label="Fit the whole board"
        aria-pressed={fitted}
        title="Fit the whole board (0)"
      >
        Fit
      </Button>
    </div>
  );
}

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/**
 * The shared drawing board: pen, eraser and their widths, 18 colors, undo and redo of one's
 * own strokes (also Ctrl+Z, Ctrl+Shift+Z), reset, PNG export of the whole board; zoom and
 * pan (each person's own view); mouse, touch, pen and keyboard.
 */
export default function Drawing() {
  const api = useApi();
  const store = useStore() as AppStore;
  const reset = useAppSelector((s) => s.drawing.reset);
  const me = useAppSelector((s) => s.user.me?.uuid);
  const undoable = useAppSelector((s) => lastOwnLine(s.drawing, me) !== undefined);
  const redoable = useAppSelector((s) => s.drawing.redo.length > 0);
  const may = useAppSelector((s) => mayManage(selectCurrentRoom(s), me));
  const [tool, setTool] = useState<Tool>('pen');
  const [moving, setMoving] = useState(false);
  const [color, setColor] = useState<string>(DRAW_COLORS[0]);
  const [widths, setWidths] = useState<Record<Tool, number>>(ORIGINAL_WIDTH);
  // each person's own view of the board, for as long as the board is open
  const views = useMemo(() => new ViewState(), []);
  const style = useMemo(() => ({ color, tool, width: widths[tool] }), [color, tool, widths]);

  // Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y anywhere but in a text field
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || isTextField(e.target)) return;
      const key = e.key.toLowerCase();
      if (key !== 'z' && key !== 'y') return;
      e.preventDefault();
      if (key === 'y' || e.shiftKey) api.redo();
      else api.undo();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [api]);

  const exportPng = async () => {
    const d = store.getState().drawing;
    const lines = shownLines(d.order, d.reset).flatMap((id) => d.lines[id] ?? []);
    const png = await boardPng(lines);
    if (png) download(png, 'drawing.png');
  };

  const choose = (t: Tool) => {
    setTool(t);
    setMoving(false);
  };

  return (
    <section className="drawing panel-body" aria-label="Drawing">
      <div className="drawing-tools" role="toolbar" aria-label="Drawing tools">
        <div className="tool-group">
          <Button aria-pressed={!moving && tool === 'pen'} onClick={() => choose('pen')}>
            Pen
          </Button>
          <Button aria-pressed={!moving && tool === 'eraser'} onClick={() => choose('eraser')}>
            Eraser
          </Button>
          <Button
            aria-pressed={moving}
            onClick={() => setMoving(true)}
            title="Move the view (also: two fingers, the middle button, the wheel)"
          >
            Move
          </Button>
        </div>
        <WidthPicker
          tool={tool}
          value={widths[tool]}
          color={color}
          onChange={(w) => {
            setWidths((all) => ({ ...all, [tool]: w }));
            setMoving(false);
          }}
        />
        <div className="tool-group">
          <Button
            onClick={() => api.undo()}
            disabled={!undoable}
            aria-label="Undo my last stroke"
            title="Undo (Ctrl+Z)"
          >
            Undo
          </Button>
          <Button
            onClick={() => api.redo()}
            disabled={!redoable}
            aria-label="Redo my last undone stroke"
            title="Redo (Ctrl+Shift+Z)"
          >
            Redo
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
          <Button onClick={() => void exportPng()} aria-label="Export PNG of the drawing">
            Export PNG
          </Button>
        </div>
      </div>
      <ColorPicker
        colors={DRAW_COLORS}
        value={color}
        onChange={(c) => {
          setColor(c);
          choose('pen');
        }}
        label="Drawing colors"
        className="draw-colors"
      />
      <BoardView views={views} style={style} mode={moving ? 'move' : 'draw'}>
        <ZoomControls views={views} />
      </BoardView>
      <p id="board-keys" className="sr-only">
        Arrow keys move the pen, with Shift in larger steps; Space or Enter puts the pen down and
        lifts it; Escape lifts it. Plus and minus zoom, 0 fits the whole board, Control with the
        arrow keys moves the view. Control+Z undoes your last stroke, Control+Shift+Z redoes it.
      </p>
    </section>
  );
}
