import { memo, useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Virtuoso } from 'react-virtuoso';
import { ROOM_COLORS, type Room } from '@chat/protocol';
import { useApi } from '../api/context.tsx';
import {
  selectCurrentRoom,
  selectRoomUsers,
  selectVisibleRooms,
  useAppSelector,
} from '../store/index.ts';
import { searchPaused } from '../store/rooms.ts';
import { unreadOf } from '../store/read.ts';
import { LOCKED_TITLE, isOwner, mayManage } from '../owners.ts';
import { Button } from './Buttons.tsx';
import { ColorPicker } from './ColorPicker.tsx';
import { ConfirmButton } from './Confirm.tsx';
import { CreateRoomButton } from './CreateRoom.tsx';
import { Crown, KickButton, RoomFlags } from './RoomSettings.tsx';
import { InlineEdit, SearchInput } from './Input.tsx';
import { Spinner } from './Spinner.tsx';

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export const RoomItem = memo(function RoomItem({
  room,
  current,
  compact,
}: {
  room: Room;
  current: boolean;
  compact?: boolean;
}) {
  const api = useApi();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [picking, setPicking] = useState(false);
  const users = room.user_count ?? room.users.length;
  const unread = useAppSelector((s) => (current ? 0 : unreadOf(s.read, room)));
  // a locked room lets only its owner rename, recolor or delete it
  const may = useAppSelector((s) => mayManage(room, s.user.me?.uuid));
  const locked = may ? undefined : LOCKED_TITLE;
  return (
    <div className={current ? 'room-item current' : 'room-item'} data-room-uuid={room.uuid}>
      <div className="room-main">
        <span className="room-color" style={{ background: room.color }} aria-hidden="true" />
        {editing ? (
          <InlineEdit
            value={room.name}
            label="Room name"
            onSave={(name) => {
              api.renameRoom(room.uuid, name);
              setEditing(false);
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <button
            type="button"
            className="room-name"
            aria-current={current ? 'page' : undefined}
            onClick={() => void navigate(`/room/${room.uuid}`)}
          >
            {room.name}
          </button>
        )}
        <RoomFlags room={room} />
        {unread !== null && unread > 0 && (
          <span
            className="unread-badge"
            title={plural(unread, 'unread message', 'unread messages')}
          >
            <span aria-hidden="true">{unread > 999 ? '999+' : unread}</span>
            <span className="sr-only">{plural(unread, 'unread message', 'unread messages')}</span>
          </span>
        )}
        <span className="room-counts">
          <span title="Users in the room">{plural(users, 'user', 'users')}</span>
          {' · '}
          <span title="Messages">{plural(room.sum, 'message', 'messages')}</span>
        </span>
      </div>
      {!compact && (
        <div className="room-actions">
          <Button
            aria-label={`Rename room ${room.name}`}
            disabled={!may}
            title={locked}
            onClick={() => {
              setPicking(false);
              setEditing(true);
            }}
          >
            Rename
          </Button>
          <Button
            aria-label={`Change color of room ${room.name}`}
            aria-expanded={picking}
            disabled={!may}
            title={locked}
            onClick={() => setPicking((p) => !p)}
          >
            Color
          </Button>
          <ConfirmButton
            className="btn-danger"
            label={`Delete room ${room.name}`}
            question={`Delete the room ${room.name}, its messages and its board?`}
            confirm="Delete"
            disabled={!may}
            title={locked}
            onConfirm={() => api.deleteRoom(room.uuid)}
          >
            Delete
          </ConfirmButton>
        </div>
      )}
      {picking && may && (
        <ColorPicker
          colors={ROOM_COLORS}
          value={room.color}
          label={`Color of room ${room.name}`}
          onChange={(c) => {
            api.recolorRoom(room.uuid, c);
            setPicking(false);
          }}
        />
      )}
    </div>
  );
});

/**
 * What a search is doing, said in a live region: reading pages (a page may hold few rooms or
 * none: the server examines a bounded number per page, and the next pages are read without
 * the user scrolling an empty list), or paused after many pages, with a button to go on.
 */
function SearchState() {
  const api = useApi();
  const search = useAppSelector((s) => s.rooms.search);
  if (!search) return null;
  const found = search.ids.length;
  const paused = searchPaused(search);
  return (
    <div className="search-state" role="status" aria-live="polite">
      {search.loading ? (
        <>
          <span className="spinner small" aria-hidden="true" />
          <span>
            Searching…{found > 0 ? ` ${plural(found, 'room', 'rooms')} found so far.` : ''}
          </span>
        </>
      ) : paused ? (
        <>
          <span>
            {found > 0
              ? `${plural(found, 'room', 'rooms')} found in the rooms searched so far.`
              : `No room matches “${search.query}” among the rooms searched so far.`}
          </span>
          <Button onClick={() => api.searchFurther()}>Search older rooms</Button>
        </>
      ) : null}
    </div>
  );
}

/** All rooms, newest first, with server-side search, paging and the create button. */
export function RoomList({ compact }: { compact?: boolean }) {
  const api = useApi();
  const rooms = useAppSelector(selectVisibleRooms);
  const loaded = useAppSelector((s) => s.rooms.loaded);
  const search = useAppSelector((s) => s.rooms.search);
  const cursor = useAppSelector((s) => (s.rooms.search ? s.rooms.search.cursor : s.rooms.cursor));
  const loadingMore = useAppSelector((s) =>
    s.rooms.search ? s.rooms.search.loading : s.rooms.loadingMore,
  );
  const current = useAppSelector((s) => s.rooms.current);
  const offline = useAppSelector((s) => s.ui.connection === 'offline');
  const onSearch = useCallback((q: string) => api.searchRooms(q), [api]);
  const more = cursor !== null;
  useEffect(() => api.refreshRooms(), [api]);

  let empty: string | null = null;
  if (rooms.length === 0 && !loadingMore) {
    if (!search) empty = 'No rooms yet. Add one!';
    else if (!more) empty = `No room matches “${search.query}”.`;
  }
  return (
    <section className="rooms panel-body" aria-label="Rooms">
      <div className="panel-toolbar">
        <h2 className="panel-title">Rooms</h2>
        <SearchInput onSearch={onSearch} />
        <CreateRoomButton />
      </div>
      <SearchState />
      {!loaded ? (
        offline ? (
          <p className="empty">Not connected: the rooms show once the connection is back.</p>
        ) : (
          <Spinner label="Loading rooms" />
        )
      ) : empty !== null ? (
        <p className="empty">{empty}</p>
      ) : rooms.length === 0 ? null : (
        <Virtuoso
          key={search?.query ?? ''}
          className="room-list"
          data={rooms}
          computeItemKey={(_, r) => r.uuid}
          endReached={() => {
            if (more) api.loadMoreRooms();
          }}
          itemContent={(_, r) => (
            <RoomItem room={r} current={r.uuid === current} compact={compact} />
          )}
          components={{
            Footer: () =>
              loadingMore ? (
                search ? null : (
                  <Spinner label="Loading more rooms" />
                )
              ) : more ? (
                <div className="list-footer">
                  <Button onClick={() => api.loadMoreRooms()}>
                    {search ? 'Load more results' : 'Load older rooms'}
                  </Button>
                </div>
              ) : null,
          }}
        />
      )}
    </section>
  );
}

/** The users in the current room. */
export function UserList() {
  const api = useApi();
  const room = useAppSelector(selectCurrentRoom);
  const members = useAppSelector((s) => s.rooms.members);
  const users = useAppSelector(selectRoomUsers);
  const me = useAppSelector((s) => s.user.me?.uuid);
  if (!room) return <Spinner />;
  const owner = isOwner(room, me);
  const total = room.user_count ?? room.users.length;
  // the paged member list knows whether more remain; the room's own list, by the count
  const more = users === members?.list ? members.cursor !== null : total > users.length;
  return (
    <section className="users panel-body" aria-label="Users">
      <div className="panel-toolbar">
        <h2 className="panel-title">Users</h2>
        <span className="muted small">{plural(total, 'user', 'users')} in this room</span>
      </div>
      <ul className="user-list">
        {users.map((u) => (
          <li key={u.uuid} className={u.uuid === me ? 'user-item own' : 'user-item'}>
            <span className="user-item-name">
              {u.name}
              {u.uuid === room.owner && <Crown />}
              {u.uuid === me && <span className="muted"> (you)</span>}
            </span>
            {/* the owner may take anyone else out of the room for a while */}
            {owner && u.uuid !== me && <KickButton room={room.uuid} user={u} />}
          </li>
        ))}
      </ul>
      {more && (
        <div className="list-footer">
          <Button onClick={() => api.loadMembers()} disabled={members?.loading}>
            Show more users
          </Button>
        </div>
      )}
    </section>
  );
}
