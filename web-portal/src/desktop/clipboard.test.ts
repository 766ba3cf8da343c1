import { clipboardPolicy, clipboardWords } from './clipboard';

describe('clipboardPolicy', () => {
  it('is both ways when the broker says nothing', () => {
    expect(clipboardPolicy(undefined)).toEqual({ copy: true, paste: true });
    expect(clipboardPolicy('BOTH')).toEqual({ copy: true, paste: true });
  });

  it('reads each of the pool’s policies as the direction the tunnel lets through', () => {
    expect(clipboardPolicy('NONE')).toEqual({ copy: false, paste: false });
    expect(clipboardPolicy('TO_DESKTOP')).toEqual({ copy: false, paste: true });
    expect(clipboardPolicy('from_desktop')).toEqual({ copy: true, paste: false });
  });

  it('says what the pool allows', () => {
    expect(clipboardWords(clipboardPolicy('TO_DESKTOP'))).toMatch(/^You can paste text into the desktop/);
    expect(clipboardWords(clipboardPolicy('FROM_DESKTOP'))).toMatch(/^You can copy text out of the desktop/);
    expect(clipboardWords(clipboardPolicy('NONE'))).toMatch(/turned the clipboard off/);
  });
});
