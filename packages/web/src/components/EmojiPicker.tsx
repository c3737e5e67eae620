import { useEffect, useRef } from 'react';
import Picker from 'emoji-picker-element/picker.js';
import type { EmojiClickEvent } from 'emoji-picker-element/shared';
import { EMOJI_DATA_URL, normalizeEmoji } from '../emoji.ts';

/*
 * One picker element for the page, moved into each popover that opens and parked in a hidden
 * box when it closes: it stays connected, so its database stays open. (A picker removed from
 * the page closes its database a moment later, by name, which broke the next picker's search
 * when one opened meanwhile; and each new one fetched and checked the whole data again.)
 */
let shared: Picker | null = null;
let parking: HTMLDivElement | null = null;

function park(picker: Picker): void {
  if (!parking) {
    parking = document.createElement('div');
    parking.hidden = true;
  }
  if (!parking.isConnected) document.body.append(parking);
  parking.append(picker);
}

/**
 * emoji-picker-element (search, categories, skin tones, keyboard use): loaded only when a
 * picker is first opened, with its data from this site (EMOJI_DATA_URL), kept by the browser
 * in IndexedDB. It opens with an empty search box, which takes the focus (not on a touch
 * screen).
 */
export default function EmojiPicker({ onPick }: { onPick: (emoji: string) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  useEffect(() => {
    pick.current = onPick;
  }, [onPick]);
  useEffect(() => {
    const picker = (shared ??= new Picker({ dataSource: EMOJI_DATA_URL, locale: 'en' }));
    const onClick = (e: EmojiClickEvent) => {
      if (e.detail.unicode !== undefined) pick.current(normalizeEmoji(e.detail.unicode));
    };
    picker.addEventListener('emoji-click', onClick);
    box.current?.append(picker);
    const search = picker.shadowRoot?.querySelector<HTMLInputElement>('input[type=search]');
    if (search && search.value !== '') {
      search.value = '';
      search.dispatchEvent(new Event('input', { bubbles: true }));
    }
    // the keyboard's and the mouse's users search at once; on a touch screen the keyboard
    // would cover the emoji
    if (!window.matchMedia?.('(pointer: coarse)').matches) search?.focus();
    return () => {
      picker.removeEventListener('emoji-click', onClick);
      park(picker);
    };
  }, []);
  return <div ref={box} className="emoji-picker" />;
}
