/** Author chips, avatars and person badges: sector colour always paired with a text label. */
import type { Author } from '../../shared/board.ts';
import type { Peer } from '../sync/presence.ts';
import { initials, sectorStyle } from '../lib/sectors.ts';

export function SectorTag({ sector }: { sector: string }) {
  const s = sectorStyle(sector);
  return (
    <span className="sector-tag" style={{ background: s.colour }} title={s.label}>
      <span aria-hidden="true">{s.short}</span>
      <span className="visually-hidden">{s.label}</span>
    </span>
  );
}

export function AuthorChip({ author }: { author: Author }) {
  return (
    <span className="chip">
      <SectorTag sector={author.sector} />
      <span className="chip__text">
        <span className="visually-hidden">by </span>
        {author.name}
        {author.organisation && <span className="chip__org"> · {author.organisation}</span>}
      </span>
    </span>
  );
}

export function Avatar({ peer, size = 'normal' }: { peer: Peer; size?: 'normal' | 'small' }) {
  const s = sectorStyle(peer.user.sector);
  return (
    <span
      className={`avatar avatar--${size}`}
      style={{ background: s.colour }}
      title={`${peer.user.name}${peer.user.organisation ? ` · ${peer.user.organisation}` : ''} · ${s.label}`}
      aria-hidden="true"
    >
      {initials(peer.user.name)}
    </span>
  );
}

export function PersonBadge({ peer, suffix }: { peer: Peer; suffix?: string }) {
  const s = sectorStyle(peer.user.sector);
  return (
    <span className="person-badge" style={{ borderColor: s.colour }}>
      <Avatar peer={peer} size="small" />
      <span>
        {peer.user.name}
        {suffix ? ` ${suffix}` : ''}
      </span>
    </span>
  );
}
