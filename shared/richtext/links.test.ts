import { describe, expect, test } from 'vitest';
import { exportedLink, isSafeUrl, linkTarget } from './links.ts';
import { HOSTILE_HREFS } from './testHelpers.ts';

describe('linkTarget: a URL read as a browser reads it', () => {
  test.each(HOSTILE_HREFS)('%j becomes %j', (href, becomes) => {
    expect(linkTarget(href)?.href ?? null).toBe(becomes);
    if (becomes !== null) expect(linkTarget(href)!.kind).toBe('absolute');
  });

  test('ordinary links keep their meaning', () => {
    expect(linkTarget('https://ok.example/a?b=1#c')).toEqual({ kind: 'absolute', href: 'https://ok.example/a?b=1#c' });
    expect(linkTarget('mailto:x@y.example')).toEqual({ kind: 'absolute', href: 'mailto:x@y.example' });
    expect(linkTarget('tel:+441234')).toEqual({ kind: 'absolute', href: 'tel:+441234' });
    expect(linkTarget('#top')).toEqual({ kind: 'anchor', href: '#top' });
    expect(linkTarget('/boards/x')).toEqual({ kind: 'relative', href: '/boards/x' });
    expect(linkTarget('page.html')).toEqual({ kind: 'relative', href: 'page.html' });
    // a host name that happens to be one of the reserved bases is still another host
    expect(linkTarget('//a.relative.invalid/x')).toEqual({ kind: 'absolute', href: 'https://a.relative.invalid/x' });
  });

  test('isSafeUrl and exportedLink follow it; exports never carry a relative path', () => {
    for (const [href, becomes] of HOSTILE_HREFS) expect(isSafeUrl(href)).toBe(becomes !== null);
    for (const bad of ['', 7, null, 'x'.repeat(3000)]) expect(isSafeUrl(bad)).toBe(false);
    expect(exportedLink('/boards/x')).toBeNull();
    expect(exportedLink('#top')).toEqual({ kind: 'anchor', href: '#top' });
    expect(exportedLink('//evil.example/x')).toEqual({ kind: 'absolute', href: 'https://evil.example/x' });
  });
});
