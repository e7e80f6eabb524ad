/**
 * The audible end signal: three short tones made with the Web Audio API (no sound files). Browsers
 * only let a page make sound after a user gesture, so `unlockSound` is called from the click that
 * turns the sound on; `playTimeUp` is silent if that never happened.
 */
type AudioCtor = typeof AudioContext;

let context: AudioContext | null = null;

function audioContextClass(): AudioCtor | null {
  const w = window as unknown as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor };
  return w.AudioContext ?? w.webkitAudioContext ?? null;
}

/** Creates (or resumes) the audio context; call from a click. Returns whether sound is possible. */
export function unlockSound(): boolean {
  const Ctor = audioContextClass();
  if (!Ctor) return false;
  try {
    context ??= new Ctor();
    if (context.state === 'suspended') void context.resume();
    return true;
  } catch {
    return false;
  }
}

export function playTimeUp(): void {
  const ctx = context;
  if (!ctx) return;
  if (ctx.state === 'suspended') void ctx.resume();
  const start = ctx.currentTime + 0.05;
  [0, 0.28, 0.56].forEach((offset, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = i === 2 ? 880 : 660;
    const t = start + offset;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.22);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + 0.25);
  });
}

const SOUND_KEY = 'crossboard.sound.v1';

export function loadSoundPreference(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

export function saveSoundPreference(on: boolean): void {
  try {
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    // not remembered: asked again next time
  }
}
