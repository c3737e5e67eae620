import { useIsPhone, useTitle } from '../hooks.ts';
import { useAppDispatch, useAppSelector } from '../store/index.ts';
import { uiActions } from '../store/ui.ts';
import { roomsActions } from '../store/rooms.ts';
import { removalText } from '../owners.ts';
import { Button } from '../components/Buttons.tsx';
import { Log } from '../components/Log.tsx';
import { RoomList } from '../components/Room.tsx';
import { Panels, TabBar } from '../components/Tabs.tsx';

/** Why this user is back here: the owner of a room took them out of it, until when. */
function RemovalNotice() {
  const dispatch = useAppDispatch();
  const removal = useAppSelector((s) => s.rooms.removal);
  if (!removal) return null;
  return (
    <div className="banner removal" role="alert">
      <span>{removalText(removal.name, removal.until)}</span>
      <Button aria-label="Dismiss" onClick={() => dispatch(roomsActions.removalDismissed())}>
        ×
      </Button>
    </div>
  );
}

/** Home: the event log on the left, the rooms on the right (one at a time on a phone). */
export default function Home() {
  const phone = useIsPhone();
  const dispatch = useAppDispatch();
  const phonePanel = useAppSelector((s) => s.ui.phonePanel);
  const leftTab = useAppSelector((s) => s.ui.leftTab);
  useTitle(null);
  const showLog = phone && phonePanel === 'left' && leftTab === 'log';
  return (
    <>
      {phone ? (
        <TabBar
          label="Views"
          tabs={[
            {
              label: 'Show rooms',
              text: 'Rooms',
              active: !showLog,
              onSelect: () => dispatch(uiActions.rightTabChosen('messages')),
            },
            {
              label: 'Show event log',
              text: 'Log',
              active: showLog,
              onSelect: () => dispatch(uiActions.leftTabChosen('log')),
            },
          ]}
        />
      ) : null}
      <RemovalNotice />
      <Panels
        phone={phone}
        show={showLog ? 'left' : 'right'}
        left={
          <>
            {!phone && (
              <TabBar
                label="Left panel"
                tabs={[{ label: 'Show event log', text: 'Log', active: true, onSelect: () => {} }]}
              />
            )}
            <Log />
          </>
        }
        right={<RoomList />}
      />
    </>
  );
}
