import { describe, expect, it } from 'vitest';
import { routedPath } from './links';

const click = {
  defaultPrevented: false,
  button: 0,
  metaKey: false,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
};
const anchor = (href: string, target = '', download = false) => ({
  href,
  target,
  hasAttribute: (name: string) => name === 'download' && download,
});
const origin = 'https://nines.example';

describe('routedPath', () => {
  it('routes a plain click on a page link of this site', () => {
    expect(routedPath(click, anchor('https://nines.example/slos/a?x=1#y'), origin)).toBe('/slos/a?x=1#y');
  });

  it('leaves other clicks and links to the browser', () => {
    expect(routedPath({ ...click, metaKey: true }, anchor('https://nines.example/map'), origin)).toBeNull();
    expect(routedPath({ ...click, button: 1 }, anchor('https://nines.example/map'), origin)).toBeNull();
    expect(
      routedPath({ ...click, defaultPrevented: true }, anchor('https://nines.example/map'), origin),
    ).toBeNull();
    expect(routedPath(click, anchor('https://other.example/map'), origin)).toBeNull();
    expect(routedPath(click, anchor('https://nines.example/map', '_blank'), origin)).toBeNull();
    expect(routedPath(click, anchor('https://nines.example/api/v1/slos'), origin)).toBeNull();
    expect(routedPath(click, anchor('https://nines.example/x.csv', '', true), origin)).toBeNull();
    expect(routedPath(click, null, origin)).toBeNull();
  });
});
