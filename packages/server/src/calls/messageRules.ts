import type { Message } from '@chat/protocol';
import type { MessageChangeResult, Storage } from '../storage/storage.ts';
import { ChatError, event, type Caller, type Outcome } from './call.ts';
import { isOwner } from './owners.ts';

/** Bytes a message costs an address besides its body: its other fields, stored and sent. */
export const MESSAGE_OVERHEAD = 200;

/** The message `uuid` of the caller's room, not deleted; no_specified_message otherwise. */
export async function liveMessage(storage: Storage, room: string, uuid: string): Promise<Message> {
  const message = await storage.messages.get(room, uuid);
  if (!message || message.deleted !== null) throw new ChatError('no_specified_message');
  return message;
}

/** The caller's own message; not_message_author when it is someone else's. */
export function requireAuthor(message: Message, caller: Caller): void {
  if (message.user.uuid !== caller.user.uuid) throw new ChatError('not_message_author');
}

/** A message the caller may delete: its own, or any in a room it owns; not_message_author otherwise. */
export async function requireDeleter(
  storage: Storage,
  message: Message,
  caller: Caller,
): Promise<void> {
  if (message.user.uuid === caller.user.uuid) return;
  const room = await storage.rooms.get(message.room_uuid);
  if (!room || !isOwner(room, caller)) {
    throw new ChatError('not_message_author', "Only its author or the room's owner may delete it.");
  }
}

/** A stored change, told to the room: the message as it is now. */
export function changed(
  room: string,
  result: MessageChangeResult,
  told: 'message_changed' | 'message_deleted',
): Outcome {
  if (!result.ok) {
    throw result.error === 'too_many_emoji'
      ? new ChatError('not_valid_emoji')
      : new ChatError('no_specified_message');
  }
  return { events: [event({ to: 'room', room }, { message: told, object: result.message })] };
}
