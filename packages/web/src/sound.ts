/**
 * Sounds for new messages, made with WebAudio at run time (no files to fetch): a short
 * rising blip for your own message, a two-note chime for someone else's, three rising notes
 * for one naming you.
 */
export const MUTE_KEY = 'muted';
/** A sound starts at most this often: a busy room chimes now and then, not for every message. */
export const SOUND_GAP_MS = 1_000;
let lastAt = Number.NEGATIVE_INFINITY;

let ctx: AudioContext | null = null;

function audio(): AudioContext | null {
  if (typeof window === 'undefined' || typeof window.AudioContext === 'undefined') return null;
  ctx ??= new window.AudioContext();
  return ctx;
}

function tone(ac: AudioContext, freq: number, start: number, length: number, gain: number): void {
  const osc = ac.createOscillator();
  const amp = ac.createGain();
  osc.type = 'sine';
  osc.frequency.setValueAtTime(freq, start);
  amp.gain.setValueAtTime(0.0001, start);
  amp.gain.exponentialRampToValueAtTime(gain, start + 0.01);
  amp.gain.exponentialRampToValueAtTime(0.0001, start + length);
  osc.connect(amp).connect(ac.destination);
  osc.start(start);
  osc.stop(start + length + 0.02);
}

/** Plays the notes `notes` schedules from time t (seconds, the context's clock). */
function play(notes: (ac: AudioContext, t: number) => void): void {
  try {
    const ac = audio();
    if (!ac) return;
    if (ac.state === 'suspended') void ac.resume();
    notes(ac, ac.currentTime + 0.01);
  } catch {
    // audio is a nicety; never let it break the chat
  }
}

export function playMessageSound(own: boolean, now: number = Date.now()): void {
  if (now - lastAt < SOUND_GAP_MS) return;
  lastAt = now;
  play((ac, t) => {
    if (own) {
      tone(ac, 880, t, 0.09, 0.08);
    } else {
      tone(ac, 660, t, 0.12, 0.1);
      tone(ac, 990, t + 0.1, 0.16, 0.1);
    }
  });
}

let mentionAt = Number.NEGATIVE_INFINITY;

/**
 * A message naming the reader: three rising notes, unlike any other, heard even right after
 * another sound (SOUND_GAP_MS holds back only other mentions: a busy room's chimes never this).
 */
export function playMentionSound(now: number = Date.now()): void {
  if (now - mentionAt < SOUND_GAP_MS) return;
  mentionAt = now;
  lastAt = now;
  play((ac, t) => {
    tone(ac, 784, t, 0.1, 0.1);
    tone(ac, 1047, t + 0.09, 0.1, 0.1);
    tone(ac, 1319, t + 0.18, 0.22, 0.1);
  });
}

export function readMuted(storage: Pick<Storage, 'getItem'> | null): boolean {
  try {
    return storage?.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

export function writeMuted(storage: Pick<Storage, 'setItem'> | null, muted: boolean): void {
  try {
    storage?.setItem(MUTE_KEY, muted ? '1' : '0');
  } catch {
    // ignore
  }
}
