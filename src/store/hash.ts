import { createHash } from 'node:crypto';

/** SHA-256 in hex: how keys, tokens and natural keys are stored and looked up. */
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
