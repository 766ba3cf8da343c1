import { cursorOf, formatSort, linkTarget, listUrl, parseSort, rangeWords, totalOf } from './paging';

describe('linkTarget', () => {
  it('finds the next link among others, quoted or not', () => {
    const header = '</api/v1/admin/users?limit=2&cursor=a%2Cb>; rel="next", </api/v1/admin/users?limit=2>; rel=first';
    expect(linkTarget(header)).toBe('/api/v1/admin/users?limit=2&cursor=a%2Cb');
    expect(linkTarget(header, 'first')).toBe('/api/v1/admin/users?limit=2');
    expect(linkTarget('</x?cursor=1>; rel=next')).toBe('/x?cursor=1');
    expect(linkTarget('</x?cursor=1>; rel="prev next"')).toBe('/x?cursor=1');
  });

  it('is null on the last page', () => {
    expect(linkTarget(null)).toBeNull();
    expect(linkTarget('')).toBeNull();
    expect(linkTarget('</x>; rel="prev"')).toBeNull();
  });
});

describe('cursorOf', () => {
  it('reads the cursor the broker put into the link', () => {
    expect(cursorOf('/api/v1/admin/pools?sort=name&cursor=eyJrIjoxfQ%3D%3D')).toBe('eyJrIjoxfQ==');
    expect(cursorOf('/api/v1/admin/pools')).toBeNull();
    expect(cursorOf(null)).toBeNull();
  });
});

describe('totalOf', () => {
  it('reads an exact total and an "at least" one', () => {
    expect(totalOf(new Headers({ 'X-Total-Count': '42' }))).toEqual({ count: 42, exact: true });
    expect(totalOf(new Headers({ 'X-Total-Count': '10000', 'X-Total-Count-Exact': 'false' }))).toEqual({ count: 10000, exact: false });
    expect(totalOf(new Headers())).toBeNull();
    expect(totalOf(new Headers({ 'X-Total-Count': 'lots' }))).toBeNull();
  });
});

describe('listUrl', () => {
  it('leaves out empty filters and orders the rest, then sort, limit and cursor', () => {
    expect(listUrl('/api/v1/admin/sessions', { filters: { state: '', poolId: 'p1', liveOnly: false, q: undefined }, sort: '-createdAt', limit: 50 })).toBe(
      '/api/v1/admin/sessions?liveOnly=false&poolId=p1&sort=-createdAt&limit=50',
    );
    expect(listUrl('/api/v1/admin/pools', {})).toBe('/api/v1/admin/pools');
    expect(listUrl('/a', { filters: { q: 'a b&c' }, cursor: 'x' })).toBe('/a?q=a+b%26c&cursor=x');
  });
});

describe('sort keys', () => {
  it('reads and writes "-key" as descending', () => {
    expect(parseSort('-createdAt')).toEqual({ key: 'createdAt', direction: 'desc' });
    expect(parseSort('name')).toEqual({ key: 'name', direction: 'asc' });
    expect(parseSort('')).toBeNull();
    expect(formatSort('name', 'desc')).toBe('-name');
    expect(formatSort('name', 'asc')).toBe('name');
  });
});

describe('rangeWords', () => {
  it('says which rows are shown and of how many', () => {
    expect(rangeWords(0, 50, { count: 1234, exact: true })).toBe('Showing 1–50 of 1,234');
    expect(rangeWords(100, 50, { count: 10000, exact: false })).toBe('Showing 101–150 of at least 10,000');
    expect(rangeWords(50, 3, null)).toBe('Showing 51–53');
    expect(rangeWords(0, 0, null)).toBe('No rows');
  });
});
