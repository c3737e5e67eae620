import { defineCall, reply } from './call.ts';

/** A client's heartbeat: answered at once, touching no storage (probes come every few seconds). */
export const ping = defineCall({
  name: 'ping',
  writes: false,
  doc: {
    payload: '—',
    success: 'caller: `pong` {`time`}',
    errors: [],
  },
  async handle(_args, _caller, { clock }) {
    return { replies: [reply('pong', { time: clock.now() })] };
  },
});
