import { act, render } from '@testing-library/react';
import { VirtuosoMockContext } from 'react-virtuoso';
import type { Message, Room } from '@chat/protocol';
import { App } from '../src/App.tsx';
import { drawing, settle, setup, user } from './fakes.ts';

/** The whole app at `path` on a fake server (`s`): user 1 connected, `rooms` listed. */
export function renderApp(path: string, rooms: Room[], options?: Parameters<typeof setup>[0]) {
  const t = setup(options);
  const view = render(
    <VirtuosoMockContext.Provider value={{ viewportHeight: 800, itemHeight: 40 }}>
      <App store={t.store} api={t.api} initialPath={path} />
    </VirtuosoMockContext.Provider>,
  );
  const s = t.socket();
  act(() => {
    s.open();
    s.result('user_created', { object: user(1), token: 't', resumed: false });
    s.result('rooms_listed', { list: rooms, cursor: null });
  });
  return { ...t, s, view };
}

export type RenderedApp = ReturnType<typeof renderApp>;

/** Answers the room page's enter_room: the room, its messages, its board's lines. */
export async function answerEnter(
  t: RenderedApp,
  r: Room,
  list: Message[] = [],
  lines: unknown[] = [],
): Promise<void> {
  const enter = t.s.lastCall('enter_room')!;
  await act(async () => {
    t.s.result('room_entered', { object: r }, enter.id);
    t.s.result('messages_listed', { list, has_more: false, room_uuid: r.uuid }, enter.id);
    t.s.result('drawing_got', { object: drawing(r.uuid, lines) }, enter.id);
    await settle();
  });
}
