/** A LiveChannel driven by hand, for the tests of stores fed by the server. */
import type { ControlMessage } from '../../shared/protocol.ts';
import type { LiveChannel } from './channel.ts';

export function fakeChannel() {
  const control = new Set<(m: ControlMessage) => void>();
  const synced = new Set<() => void>();
  const channel: LiveChannel = {
    onControl: (l) => (control.add(l), () => control.delete(l)),
    onSynced: (l) => (synced.add(l), () => synced.delete(l)),
  };
  return {
    channel,
    push: (m: ControlMessage) => control.forEach((l) => l(m)),
    sync: () => synced.forEach((l) => l()),
    listeners: () => control.size + synced.size,
  };
}
