import { clipboardPolicy } from './clipboard';

describe('clipboardPolicy', () => {
  it('allows both ways when the broker says nothing', () => {
    expect(clipboardPolicy(undefined)).toEqual({ copy: true, paste: true });
  });

  it('follows the pool policy', () => {
    expect(clipboardPolicy('NONE')).toEqual({ copy: false, paste: false });
    expect(clipboardPolicy('copy_only')).toEqual({ copy: true, paste: false });
    expect(clipboardPolicy('PASTE_ONLY')).toEqual({ copy: false, paste: true });
  });
});
