import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, screen } from '@testing-library/react';
import { CURSOR_SEND_MS } from '../src/api/chatApi.ts';
import { CURSOR_IDLE_MS } from '../src/board/Cursors.tsx';
import { answerEnter, renderApp, type RenderedApp } from './app.tsx';
import { room, settle, user } from './fakes.ts';

const ME = user(1);
const BOB = { ...user(2), name: 'Bob' };
const people = [
  { ...ME, room_uuid: 'r1' },
  { ...BOB, room_uuid: 'r1' },
];
/** The board's viewport in these tests: the whole board fits at scale 1, 8 pixels in. */
const VIEWPORT = { width: 1216, height: 916 };
const AT = 8;

function line(n: number, by = ME.uuid, extra: Record<string, unknown> = {}) {
  return {
    uuid: `00000000-0000-4000-8000-00000000000${n}`,
    name: `line-${n}`,
    points: [10, 10, 40, 40],
    color: '#000000',
    tool: 'pen',
    user_uuid: by,
    ...extra,
  };
}

beforeEach(() => {
  // jsdom lays nothing out: the board's viewport has a size here
  const size = (key: 'width' | 'height') =>
    function (this: HTMLElement) {
      return this.classList.contains('board') ? VIEWPORT[key] : 0;
    };
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(size('width'));
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(size('height'));
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function openBoard(lines: unknown[] = []) {
  const r = room(1, { users: people, user_count: 2 });
  const t = renderApp('/room/r1', [r], { now: () => Date.now() });
  await answerEnter(t, r, [], lines);
  fireEvent.click(screen.getByRole('button', { name: 'Show drawing' }));
  const board = await screen.findByRole('application', {}, { timeout: 10_000 });
  const wrap = screen.getByTestId('board');
  const data = (name: string) => Number(wrap.getAttribute(`data-${name}`));
  return { ...t, board, data };
}

type Pointer = { x: number; y: number; id?: number; type?: string };

function pointer(board: HTMLElement, kind: 'Down' | 'Move' | 'Up', p: Pointer) {
  fireEvent[`pointer${kind}`](board, {
    pointerId: p.id ?? 1,
    pointerType: p.type ?? 'mouse',
    button: kind === 'Move' ? -1 : 0,
    clientX: p.x,
    clientY: p.y,
  });
}

/** A stroke through screen points (down at the first, up at the last). */
function stroke(board: HTMLElement, points: [number, number][], type = 'mouse') {
  const [first, ...rest] = points;
  pointer(board, 'Down', { x: first![0], y: first![1], type });
  for (const [x, y] of rest) pointer(board, 'Move', { x, y, type });
  const last = points.at(-1)!;
  pointer(board, 'Up', { x: last[0], y: last[1], type });
}

const newCalls = (t: RenderedApp, since: number) => t.s.calls().slice(since);

describe('the board', () => {
  it('sends the chosen width with the stroke, and a click as a dot', async () => {
    const t = await openBoard();
    fireEvent.click(screen.getByRole('button', { name: 'Width 16' }));
    stroke(t.board, [
      [100 + AT, 50 + AT],
      [200 + AT, 100 + AT],
    ]);
    const append = t.s.callsOf('append_draw_points')[0];
    expect(append).toMatchObject({ points: [100, 50], color: '#000000', tool: 'pen', width: 16 });
    expect(t.s.lastCall('change_draw_line')).toMatchObject({
      points: [100, 50, 200, 100],
      width: 16,
    });
    // the eraser has widths of its own, and keeps the pen's
    fireEvent.click(screen.getByRole('button', { name: 'Eraser' }));
    expect(screen.getByRole('button', { name: 'Width 28' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Pen' }));
    expect(screen.getByRole('button', { name: 'Width 16' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    // a click without moving: a dot, shown and sent
    stroke(t.board, [[300 + AT, 300 + AT]]);
    expect(t.s.lastCall('change_draw_line')).toMatchObject({
      points: [300, 300, 300, 300],
      width: 16,
    });
    expect(t.data('lines')).toBe(2);
  });

  it('undoes and redoes this user’s strokes with the buttons, Ctrl+Z and Ctrl+Shift+Z', async () => {
    const mine = line(1, ME.uuid, { width: 8, color: '#cf2e24' });
    const t = await openBoard([line(2, BOB.uuid), mine]);
    const redo = () =>
      screen.getByRole<HTMLButtonElement>('button', { name: 'Redo my last undone stroke' });
    expect(redo().disabled).toBe(true);
    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    expect(t.s.lastCall('delete_draw_line')).toMatchObject({ uuid: mine.uuid });
    expect(t.data('lines')).toBe(1);
    // nothing of mine left: Bob's line stays
    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    expect(t.s.callsOf('delete_draw_line')).toHaveLength(1);
    expect(redo().disabled).toBe(false);
    fireEvent.keyDown(document.body, { key: 'Z', ctrlKey: true, shiftKey: true });
    expect(t.s.lastCall('change_draw_line')).toMatchObject({
      uuid: mine.uuid,
      points: mine.points,
      color: mine.color,
      tool: 'pen',
      width: 8,
    });
    expect(t.data('lines')).toBe(2);
    expect(redo().disabled).toBe(true);
    // undone again, then a new stroke: what was undone stays undone
    fireEvent.click(screen.getByRole('button', { name: 'Undo my last stroke' }));
    expect(redo().disabled).toBe(false);
    stroke(t.board, [
      [20, 20],
      [60, 60],
    ]);
    expect(redo().disabled).toBe(true);
    // typing in a text field is not drawing
    const sent = t.s.calls().length;
    const input = document.createElement('input');
    document.body.appendChild(input);
    fireEvent.keyDown(input, { key: 'z', ctrlKey: true });
    expect(newCalls(t, sent)).toEqual([]);
    input.remove();
  });

  it('shows the others’ cursors with their names, hides them after 5 s still, drops them when they leave', async () => {
    const t = await openBoard();
    vi.useFakeTimers();
    const cursor = () => document.querySelector<HTMLElement>('.board-cursor[data-user="u2"]');
    act(() => t.s.result('cursor_moved', { user_uuid: 'u2', name: 'Bob', x: 100, y: 50 }));
    expect(cursor()!.textContent).toBe('Bob');
    expect(cursor()!.style.transform).toBe(`translate(${100 + AT}px, ${50 + AT}px)`);
    act(() => {
      vi.advanceTimersByTime(CURSOR_IDLE_MS - 500);
    });
    act(() => t.s.result('cursor_moved', { user_uuid: 'u2', name: 'Bob', x: 120, y: 50 }));
    act(() => {
      vi.advanceTimersByTime(CURSOR_IDLE_MS - 500);
    });
    expect(cursor()).not.toBeNull();
    act(() => {
      vi.advanceTimersByTime(600);
    });
    expect(cursor()).toBeNull();
    // back when it moves; gone at once when Bob leaves the room
    act(() => t.s.result('cursor_moved', { user_uuid: 'u2', name: 'Bob', x: 130, y: 50 }));
    expect(cursor()).not.toBeNull();
    act(() =>
      t.s.result('room_changed', { object: room(1, { users: [people[0]!], user_count: 1 }) }),
    );
    expect(cursor()).toBeNull();
  });

  it('sends where this user points at most every CURSOR_SEND_MS, the last position always', async () => {
    const t = await openBoard();
    vi.useFakeTimers();
    const sent = t.s.calls().length;
    for (let i = 0; i < 5; i++) pointer(t.board, 'Move', { x: 100 + i + AT, y: 50 + AT });
    expect(newCalls(t, sent).filter((c) => c.message === 'move_cursor')).toEqual([
      expect.objectContaining({ x: 100, y: 50 }),
    ]);
    act(() => {
      vi.advanceTimersByTime(CURSOR_SEND_MS);
    });
    expect(newCalls(t, sent).filter((c) => c.message === 'move_cursor')).toEqual([
      expect.objectContaining({ x: 100, y: 50 }),
      expect.objectContaining({ x: 104, y: 50 }),
    ]);
  });

  it('zooms and moves this view only; strokes drawn zoomed land at their board coordinates', async () => {
    const t = await openBoard();
    const sent = t.s.calls().length;
    expect(t.data('scale')).toBe(1);
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(t.data('scale')).toBe(1.25);
    fireEvent.click(screen.getByRole('button', { name: 'Fit the whole board' }));
    expect(t.data('scale')).toBe(1);
    // the keys, with the board focused
    fireEvent.keyDown(t.board, { key: '+' });
    fireEvent.keyDown(t.board, { key: '+' });
    expect(t.data('scale')).toBeCloseTo(1.5625);
    fireEvent.keyDown(t.board, { key: '0' });
    expect(t.data('scale')).toBe(1);
    // Ctrl + wheel zooms around the pointer: the board point under it stays
    fireEvent.wheel(t.board, { deltaY: -100, ctrlKey: true, clientX: 400 + AT, clientY: 300 + AT });
    const scale = t.data('scale');
    expect(scale).toBeGreaterThan(1);
    const under = (sx: number, sy: number) => [
      (sx - t.data('view-x')) / scale,
      (sy - t.data('view-y')) / scale,
    ];
    expect(under(400 + AT, 300 + AT)[0]).toBeCloseTo(400);
    expect(under(400 + AT, 300 + AT)[1]).toBeCloseTo(300);
    // the wheel alone moves the view
    const y = t.data('view-y');
    fireEvent.wheel(t.board, { deltaY: 50, clientX: 10, clientY: 10 });
    expect(t.data('view-y')).toBe(y - 50);
    // nothing of the view goes to the server
    expect(newCalls(t, sent)).toEqual([]);
    // drawn zoomed: the points are the board's
    stroke(t.board, [
      [500, 400],
      [600, 450],
    ]);
    const [x0, y0] = under(500, 400);
    const [x1, y1] = under(600, 450);
    const round = (n: number) => Math.round(n * 10) / 10;
    expect(t.s.lastCall('change_draw_line')!.points).toEqual([
      round(x0!),
      round(y0!),
      round(x1!),
      round(y1!),
    ]);
  });

  it('draws with one finger, taps a dot, and zooms with two fingers without drawing', async () => {
    const t = await openBoard();
    vi.useFakeTimers();
    const lines = () => t.s.callsOf('change_draw_line').length;
    stroke(
      t.board,
      [
        [100 + AT, 100 + AT],
        [130 + AT, 100 + AT],
        [160 + AT, 120 + AT],
      ],
      'touch',
    );
    expect(t.s.lastCall('change_draw_line')!.points).toEqual([100, 100, 130, 100, 160, 120]);
    stroke(t.board, [[300 + AT, 200 + AT]], 'touch');
    expect(t.s.lastCall('change_draw_line')!.points).toEqual([300, 200, 300, 200]);
    // two fingers: a pinch, no stroke
    const before = lines();
    const appends = t.s.callsOf('append_draw_points').length;
    pointer(t.board, 'Down', { id: 5, type: 'touch', x: 400, y: 300 });
    pointer(t.board, 'Down', { id: 6, type: 'touch', x: 500, y: 300 });
    pointer(t.board, 'Move', { id: 5, type: 'touch', x: 350, y: 300 });
    pointer(t.board, 'Move', { id: 6, type: 'touch', x: 550, y: 300 });
    expect(t.data('scale')).toBeCloseTo(2);
    pointer(t.board, 'Up', { id: 5, type: 'touch', x: 350, y: 300 });
    pointer(t.board, 'Up', { id: 6, type: 'touch', x: 550, y: 300 });
    act(() => {
      vi.advanceTimersByTime(500);
    });
    expect(lines()).toBe(before);
    expect(t.s.callsOf('append_draw_points').length).toBe(appends);
    await act(settle);
  });
});
