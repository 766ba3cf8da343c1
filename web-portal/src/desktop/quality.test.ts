import { pingRoundTrip, QualityMeter, qualityLevel } from './quality';

describe('qualityLevel', () => {
  it('is unknown before anything was measured', () => {
    expect(qualityLevel(null, null)).toBe('unknown');
  });

  it('lets the worse of round trip and display lag decide', () => {
    expect(qualityLevel(20, 10)).toBe('good');
    expect(qualityLevel(150, 10)).toBe('fair');
    expect(qualityLevel(20, 500)).toBe('poor');
    expect(qualityLevel(null, 100)).toBe('fair');
  });
});

describe('QualityMeter', () => {
  it('smooths measurements so one slow ping does not flip the indicator', () => {
    const m = new QualityMeter(0.3);
    m.addRoundTrip(20);
    m.addRoundTrip(20);
    m.addRoundTrip(300);
    expect(m.reading()).toEqual({ level: 'fair', roundTripMs: 104, displayLagMs: null });
  });

  it('ignores nonsense and forgets on reset', () => {
    const m = new QualityMeter();
    m.addRoundTrip(-5);
    m.addDisplayLag(Number.NaN);
    expect(m.reading().level).toBe('unknown');
    m.addDisplayLag(10);
    m.reset();
    expect(m.reading().displayLagMs).toBeNull();
  });
});

describe('pingRoundTrip', () => {
  it('reads the round trip from the answer to a tunnel ping', () => {
    expect(pingRoundTrip('0.,4.ping,13.1700000000000;', 1700000000042)).toBe(42);
  });

  it('ignores other messages and answers from the future', () => {
    expect(pingRoundTrip('4.sync,3.123;', 1000)).toBeNull();
    expect(pingRoundTrip('0.,36.1234;', 1000)).toBeNull();
    expect(pingRoundTrip('0.,4.ping,4.2000;', 1000)).toBeNull();
    expect(pingRoundTrip(new ArrayBuffer(4), 1000)).toBeNull();
  });
});
