import { describe, expect, it } from 'vitest';
import { formatBurn, formatDuration, formatMoney, formatPercent, formatRatio } from './format';

describe('formatting', () => {
  it('shows money with its currency, and a code that is not ISO as written', () => {
    expect(formatMoney(12.5, 'EUR')).toMatch(/12\.50/);
    expect(formatMoney(12.5, 'credits')).toBe('12.5 credits');
    expect(formatMoney(12.5, 'credits')).toBe('12.5 credits');
  });

  it('keeps the nines of a percentage and drops decimals of a large overspend', () => {
    expect(formatPercent(99.95)).toBe('99.95%');
    expect(formatPercent(null)).toBe('—');
    expect(formatRatio(-82.333)).toBe('-8,233%');
    expect(formatRatio(0.251)).toBe('25.1%');
  });

  it('says burn rates and durations briefly', () => {
    expect(formatBurn(14.4)).toBe('14×');
    expect(formatBurn(0.5)).toBe('0.50×');
    expect(formatDuration(90 * 60_000)).toBe('1h 30m');
    expect(formatDuration(30_000)).toBe('30s');
  });
});
