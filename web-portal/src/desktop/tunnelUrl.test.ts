import { displayRequestFor, fitScale, tunnelConnectData, tunnelWebSocketUrl } from './tunnelUrl';

describe('tunnelWebSocketUrl', () => {
  it('uses ws: under http: and wss: under https:', () => {
    expect(tunnelWebSocketUrl('/tunnel', { protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/tunnel');
    expect(tunnelWebSocketUrl('/tunnel', { protocol: 'https:', host: 'desk.example.com' })).toBe('wss://desk.example.com/tunnel');
  });

  it('accepts a path without leading slash and keeps absolute ws URLs', () => {
    expect(tunnelWebSocketUrl('tunnel', { protocol: 'http:', host: 'h' })).toBe('ws://h/tunnel');
    expect(tunnelWebSocketUrl('wss://gw.example.com/tunnel', { protocol: 'http:', host: 'h' })).toBe('wss://gw.example.com/tunnel');
  });
});

describe('tunnelConnectData', () => {
  it('carries the token and the display size as a query', () => {
    const q = tunnelConnectData('a+b/c=', { width: 1280.6, height: 800, dpi: 96 });
    expect(q).toBe('token=a%2Bb%2Fc%3D&width=1281&height=800&dpi=96');
    const parsed = new URLSearchParams(q);
    expect(parsed.get('token')).toBe('a+b/c=');
  });

  it('never asks for a zero-sized display', () => {
    expect(new URLSearchParams(tunnelConnectData('t', { width: 0, height: -4, dpi: 0 })).get('width')).toBe('1');
  });
});

describe('displayRequestFor', () => {
  it('asks for the container size in CSS pixels with a DPI from the pixel ratio', () => {
    expect(displayRequestFor(1024.7, 700.2, 1)).toEqual({ width: 1024, height: 700, dpi: 96 });
    expect(displayRequestFor(1024, 700, 2)).toEqual({ width: 1024, height: 700, dpi: 192 });
    expect(displayRequestFor(1024, 700, 3).dpi).toBe(192);
  });

  it('has a floor so tiny windows still get a usable desktop', () => {
    expect(displayRequestFor(100, 50, 1)).toEqual({ width: 320, height: 240, dpi: 96 });
  });
});

describe('fitScale', () => {
  it('shrinks a large display to fit and keeps the aspect ratio', () => {
    expect(fitScale(800, 600, 1600, 900)).toBe(0.5);
    expect(fitScale(800, 600, 800, 1200)).toBe(0.5);
  });

  it('does not enlarge a small display unless asked', () => {
    expect(fitScale(2000, 2000, 1000, 500)).toBe(1);
    expect(fitScale(2000, 2000, 1000, 500, true)).toBe(2);
  });

  it('is 1 before the display has a size', () => {
    expect(fitScale(800, 600, 0, 0)).toBe(1);
  });
});
