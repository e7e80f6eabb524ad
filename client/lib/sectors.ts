/**
 * Sector colours. Each passes WCAG 2.1 AA (4.5:1) as a fill behind white text and as text on
 * white, and is always shown with its label (or the label's initials plus a text alternative).
 */
import type { Sector } from '../../shared/schema.ts';

export const SECTOR_STYLE: Record<Sector | 'unknown', { colour: string; label: string; short: string; describe: string }> = {
  'public sector': {
    colour: '#12436d',
    label: 'Public sector',
    short: 'PUB',
    describe: 'Government departments, councils, the NHS, police and other public bodies.',
  },
  'private sector': {
    colour: '#6b2c91',
    label: 'Private sector',
    short: 'PRI',
    describe: 'Companies, start-ups and consultancies.',
  },
  academia: {
    colour: '#00703c',
    label: 'Academia',
    short: 'ACA',
    describe: 'Universities, colleges and research institutes.',
  },
  'voluntary and community': {
    colour: '#a3361a',
    label: 'Voluntary and community',
    short: 'VCS',
    describe: 'Charities, community groups and social enterprises.',
  },
  citizen: {
    colour: '#6e4b00',
    label: 'Citizen',
    short: 'CIT',
    describe: 'Taking part as a resident, service user or person with lived experience.',
  },
  unknown: { colour: '#505a5f', label: 'Sector not given', short: '?', describe: '' },
};

/** Anonymous rounds: the sectors too small to show on their own, counted together. */
export const OTHER_SECTORS_STYLE = { colour: '#383f43', label: 'Other sectors', short: 'OTH', describe: '' };

export function sectorStyle(sector: string) {
  if (sector === 'other') return OTHER_SECTORS_STYLE;
  return SECTOR_STYLE[sector as Sector] ?? SECTOR_STYLE.unknown;
}

export function initials(name: string): string {
  const parts = name.replace(/^(dr|mr|mrs|ms|prof)\.?\s+/i, '').split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const last = parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}
