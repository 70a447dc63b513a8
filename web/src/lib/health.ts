/** Health levels: their order (worst first), words and the glyph shown beside the colour. */
import type { Health } from '../api/types';

const ORDER: Record<Health, number> = { 'at-risk': 0, degraded: 1, unknown: 2, healthy: 3 };

export const HEALTH_LEVELS: readonly Health[] = ['at-risk', 'degraded', 'unknown', 'healthy'];

/** Sorts the worst first. */
export function healthRank(h: Health): number {
  return ORDER[h];
}

/** The worse of two levels; `unknown` only wins over `healthy`. */
export function worseHealth(a: Health, b: Health): Health {
  return ORDER[a] <= ORDER[b] ? a : b;
}

export function healthLabel(h: Health): string {
  switch (h) {
    case 'at-risk':
      return 'At risk';
    case 'degraded':
      return 'Degraded';
    case 'healthy':
      return 'Healthy';
    case 'unknown':
      return 'Unknown';
  }
}

/** A shape that says the same as the colour, for people who cannot tell colours apart. */
export function healthGlyph(h: Health): string {
  switch (h) {
    case 'at-risk':
      return '✕';
    case 'degraded':
      return '!';
    case 'healthy':
      return '✓';
    case 'unknown':
      return '?';
  }
}

export function isHealth(value: string | null): value is Health {
  return value !== null && value in ORDER;
}
