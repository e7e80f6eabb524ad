/** Author chips, avatars and person badges: sector colour always paired with a text label. */
import type { Author } from '../../shared/board/index.ts';
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

/** "Rhys Morgan · NorthStar Cloud + 1": the author, and how many co-authors (named in full for screen readers and on hover). */
export function AuthorChip({ author, coAuthors = [] }: { author: Author; coAuthors?: Author[] }) {
  const others = coAuthors.map((a) => `${a.name}${a.organisation ? ` (${a.organisation})` : ''}`).join(', ');
  return (
    <span className="chip" title={others ? `With ${others}` : undefined}>
      <SectorTag sector={author.sector} />
      <span className="chip__text">
        <span className="visually-hidden">by </span>
        {author.name}
        {author.organisation && <span className="chip__org"> · {author.organisation}</span>}
      </span>
      {coAuthors.length > 0 && (
        <span className="chip__more" data-testid="co-authors">
          <span aria-hidden="true">+ {coAuthors.length}</span>
          <span className="visually-hidden">, with {others}</span>
        </span>
      )}
    </span>
  );
}

/** Initials on the sector colour; with `showSector`, the sector's short code under it too (never colour alone). */
export function Avatar({ peer, size = 'normal', showSector = false }: { peer: Peer; size?: 'normal' | 'small'; showSector?: boolean }) {
  const s = sectorStyle(peer.user.sector);
  const title = `${peer.user.name}${peer.user.organisation ? ` · ${peer.user.organisation}` : ''} · ${s.label}`;
  const circle = (
    <span className={`avatar avatar--${size}`} style={{ background: s.colour }} title={showSector ? undefined : title} aria-hidden="true">
      {initials(peer.user.name)}
    </span>
  );
  if (!showSector) return circle;
  return (
    <span className="avatar-stack" title={title} aria-hidden="true" data-sector={s.short}>
      {circle}
      <span className="avatar-stack__sector" style={{ background: s.colour }}>
        {s.short}
      </span>
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
