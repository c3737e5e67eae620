import { memo, useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Virtuoso } from 'react-virtuoso';
import { ROOM_COLORS, type Room } from '@chat/protocol';
import { useClient } from '../api/context.tsx';
import { selectCurrentRoom, selectVisibleRooms, useAppSelector } from '../store/index.ts';
import { Button } from './Buttons.tsx';
import { ColorPicker } from './ColorPicker.tsx';
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
  const client = useClient();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [picking, setPicking] = useState(false);
  const users = room.user_count ?? room.users.length;
  return (
    <div className={current ? 'room-item current' : 'room-item'} data-room-uuid={room.uuid}>
      <div className="room-main">
        <span className="room-color" style={{ background: room.color }} aria-hidden="true" />
        {editing ? (
          <InlineEdit
            value={room.name}
            label="Room name"
            onSave={(name) => {
              client.renameRoom(room.uuid, name);
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
            onClick={() => setPicking((p) => !p)}
          >
            Color
          </Button>
          <Button
            variant="danger"
            aria-label={`Delete room ${room.name}`}
            onClick={() => client.deleteRoom(room.uuid)}
          >
            Delete
          </Button>
        </div>
      )}
      {picking && (
        <ColorPicker
          colors={ROOM_COLORS}
          value={room.color}
          label={`Color of room ${room.name}`}
          onChange={(c) => {
            client.recolorRoom(room.uuid, c);
            setPicking(false);
          }}
        />
      )}
    </div>
  );
});

/** All rooms, newest first, with server-side search, paging and the create button. */
export function RoomList({ compact }: { compact?: boolean }) {
  const client = useClient();
  const rooms = useAppSelector(selectVisibleRooms);
  const loaded = useAppSelector((s) => s.rooms.loaded);
  const search = useAppSelector((s) => s.rooms.search);
  const cursor = useAppSelector((s) => (s.rooms.search ? s.rooms.search.cursor : s.rooms.cursor));
  const loadingMore = useAppSelector((s) =>
    s.rooms.search ? s.rooms.search.loading : s.rooms.loadingMore,
  );
  const current = useAppSelector((s) => s.rooms.current);
  const onSearch = useCallback((q: string) => client.searchRooms(q), [client]);
  const more = cursor !== null;
  useEffect(() => client.refreshRooms(), [client]);

  return (
    <section className="rooms panel-body" aria-label="Rooms">
      <div className="panel-toolbar">
        <h2 className="panel-title">Rooms</h2>
        <SearchInput onSearch={onSearch} />
        <Button variant="primary" onClick={() => client.createRoom()}>
          Add room
        </Button>
      </div>
      {!loaded ? (
        <Spinner label="Loading rooms" />
      ) : rooms.length === 0 && !loadingMore ? (
        <p className="empty">
          {search ? `No room matches “${search.query}”.` : 'No rooms yet. Add one!'}
        </p>
      ) : (
        <Virtuoso
          key={search?.query ?? ''}
          className="room-list"
          data={rooms}
          computeItemKey={(_, r) => r.uuid}
          endReached={() => {
            if (more) client.loadMoreRooms();
          }}
          itemContent={(_, r) => (
            <RoomItem room={r} current={r.uuid === current} compact={compact} />
          )}
          components={{
            Footer: () =>
              loadingMore ? (
                <Spinner label="Loading more rooms" />
              ) : more ? (
                <div className="list-footer">
                  <Button onClick={() => client.loadMoreRooms()}>Load older rooms</Button>
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
  const client = useClient();
  const room = useAppSelector(selectCurrentRoom);
  const members = useAppSelector((s) => s.rooms.members);
  const me = useAppSelector((s) => s.user.me?.uuid);
  if (!room) return <Spinner />;
  const useMembers = members !== null && members.roomUuid === room.uuid && members.list.length > 0;
  const users = useMembers ? members.list : room.users;
  const total = room.user_count ?? room.users.length;
  const more = useMembers ? members.cursor !== null : total > users.length;
  return (
    <section className="users panel-body" aria-label="Users">
      <div className="panel-toolbar">
        <h2 className="panel-title">Users</h2>
        <span className="muted small">{plural(total, 'user', 'users')} in this room</span>
      </div>
      <ul className="user-list">
        {users.map((u) => (
          <li key={u.uuid} className={u.uuid === me ? 'user-item own' : 'user-item'}>
            {u.name}
            {u.uuid === me && <span className="muted"> (you)</span>}
          </li>
        ))}
      </ul>
      {more && (
        <div className="list-footer">
          <Button onClick={() => client.loadMembers()} disabled={members?.loading}>
            Show more users
          </Button>
        </div>
      )}
    </section>
  );
}
