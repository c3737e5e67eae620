import type { BusEvent } from './bus.ts';

/**
 * Where an event travels between nodes (decisions.md, "events routed by topic"): a room's
 * events on the room's own topic, which a node hears only while one of its connections is in
 * the room; what connections outside rooms need (rooms created, deleted, changed, counts) on
 * the lobby, which every node hears. An event for the node that holds a user goes on the
 * topic of the user's room, which that node hears, or on the lobby when it is in none.
 *
 * A room's moving message count (`watchers`: its members and the room list) is the busiest
 * thing every node would hear: it goes to the room's topic for the members, and to the room
 * list's, which a node hears only while one of its connections is in no room.
 */
export const LOBBY = 'lobby';
export const ROOM_LIST = 'list';
export const roomTopic = (room: string) => `room:${room}`;

/** Each topic an event is published on, with what its hearers deliver. */
export function routes(event: BusEvent): [topic: string, event: BusEvent][] {
  if (event.kind === 'deliver' && event.audience.to === 'watchers') {
    const { room } = event.audience;
    // the caller's copy (origin) is in the room
    return [
      [roomTopic(room), { ...event, audience: { to: 'room', room } }],
      [ROOM_LIST, { kind: 'deliver', audience: { to: 'lobby' }, payload: event.payload }],
    ];
  }
  return [[topicOf(event), event]];
}

export function topicOf(event: BusEvent): string {
  switch (event.kind) {
    case 'deliver': {
      const a = event.audience;
      // an unlisted room's state reaches its owner too, who may be on a node outside the room
      return a.to === 'room' && a.owner === undefined ? roomTopic(a.room) : LOBBY;
    }
    case 'kick':
      return roomTopic(event.room);
    case 'take_over':
      return event.room === null ? LOBBY : roomTopic(event.room);
  }
}
