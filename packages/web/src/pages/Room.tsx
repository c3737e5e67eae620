import { useEffect } from 'react';
import { Link, Navigate, useParams } from 'react-router';
import { useApi } from '../api/context.tsx';
import { useIsPhone, useTitle } from '../hooks.ts';
import { selectCurrentRoom, useAppDispatch, useAppSelector } from '../store/index.ts';
import { uiActions } from '../store/ui.ts';
import { CopyLinkButton, GoBackButton } from '../components/Buttons.tsx';
import { Log } from '../components/Log.tsx';
import { MessagesPanel } from '../components/Message.tsx';
import { RoomList, UserList } from '../components/Room.tsx';
import { ResetUndoBar, RoomFlags, RoomSettingsButton } from '../components/RoomSettings.tsx';
import { isOwner, removalText } from '../owners.ts';
import { Spinner } from '../components/Spinner.tsx';
import { Panels, TabBar, type TabSpec } from '../components/Tabs.tsx';
import { DrawingTab, loadDrawing } from '../board/DrawingTab.tsx';

function RoomMissing() {
  return (
    <section className="panel-body centered" aria-label="Room">
      <h2>Room does not exist</h2>
      <p>It may have been deleted, or the link is wrong.</p>
      <Link to="/">Back to all rooms</Link>
    </section>
  );
}

/** Entering was refused: this user was kicked from the room, until when (local time). */
function RoomBarred() {
  const removal = useAppSelector((s) => s.rooms.removal);
  return (
    <section className="panel-body centered" aria-label="Room">
      <h2>You cannot enter this room now</h2>
      <p role="alert">{removal && removalText(removal.name, removal.until)}</p>
      <Link to="/">Back to all rooms</Link>
    </section>
  );
}

/** /room/:uuid — enters the room on open (deep links too) and leaves it on close. */
export default function RoomPage() {
  const { uuid = '' } = useParams();
  const api = useApi();
  const dispatch = useAppDispatch();
  const phone = useIsPhone();
  const status = useAppSelector((s) => s.rooms.status);
  const room = useAppSelector(selectCurrentRoom);
  const leftTab = useAppSelector((s) => s.ui.leftTab);
  const rightTab = useAppSelector((s) => s.ui.rightTab);
  const phonePanel = useAppSelector((s) => s.ui.phonePanel);
  const owner = useAppSelector((s) => isOwner(room, s.user.me?.uuid));

  useEffect(() => {
    const ticket = api.enterRoom(uuid);
    // leave only if no room was entered in between (a room switch, or StrictMode's remount)
    return () => {
      setTimeout(() => api.leaveRoom(ticket), 0);
    };
  }, [api, uuid]);

  useTitle(room?.name ?? null);

  // the board's code, ahead of the drawing tab (loaded on demand: only that tab needs it)
  useEffect(() => {
    const t = setTimeout(() => void loadDrawing().catch(() => undefined), 1_000);
    return () => clearTimeout(t);
  }, []);

  const leftTabs: TabSpec[] = [
    {
      label: 'Show event log',
      text: 'Log',
      active: leftTab === 'log' && (!phone || phonePanel === 'left'),
      onSelect: () => dispatch(uiActions.leftTabChosen('log')),
    },
    {
      label: 'Show rooms',
      text: 'Rooms',
      active: leftTab === 'rooms' && (!phone || phonePanel === 'left'),
      onSelect: () => dispatch(uiActions.leftTabChosen('rooms')),
    },
  ];
  const rightTabs: TabSpec[] = [
    {
      label: 'Show messages',
      text: 'Messages',
      active: rightTab === 'messages' && (!phone || phonePanel === 'right'),
      onSelect: () => dispatch(uiActions.rightTabChosen('messages')),
    },
    {
      label: 'Show users',
      text: 'Users',
      active: rightTab === 'users' && (!phone || phonePanel === 'right'),
      onSelect: () => dispatch(uiActions.rightTabChosen('users')),
    },
    {
      label: 'Show drawing',
      text: 'Drawing',
      active: rightTab === 'drawing' && (!phone || phonePanel === 'right'),
      onSelect: () => dispatch(uiActions.rightTabChosen('drawing')),
    },
  ];

  const left = leftTab === 'log' ? <Log /> : <RoomList compact />;
  let right;
  if (status === 'missing') right = <RoomMissing />;
  else if (status === 'barred') right = <RoomBarred />;
  else if (status !== 'entered' || !room) right = <Spinner label="Entering the room" />;
  else if (rightTab === 'users') right = <UserList />;
  else if (rightTab === 'drawing') right = <DrawingTab />;
  else right = <MessagesPanel />;

  const title = room ? (
    <>
      <h1 className="room-title">
        <span className="room-color" style={{ background: room.color }} aria-hidden="true" />
        <span className="room-title-text">{room.name}</span>
      </h1>
      <RoomFlags room={room} words />
      <CopyLinkButton />
      {owner && <RoomSettingsButton room={room} />}
    </>
  ) : null;

  // kicked out by the owner: back to the lobby, which says why and until when
  if (status === 'kicked') return <Navigate to="/" replace />;

  if (phone) {
    return (
      <>
        <div className="room-head">
          <GoBackButton />
          {title}
        </div>
        <TabBar label="Views" tabs={[...rightTabs, ...leftTabs]} />
        <ResetUndoBar />
        <Panels phone show={phonePanel} left={left} right={right} />
      </>
    );
  }
  return (
    <Panels
      phone={false}
      show="right"
      left={
        <>
          <TabBar label="Left panel" tabs={leftTabs} />
          {left}
        </>
      }
      right={
        <>
          <div className="room-head">
            {title}
            <TabBar label="Room views" tabs={rightTabs} before={<GoBackButton />} />
          </div>
          <ResetUndoBar />
          {right}
        </>
      }
    />
  );
}
