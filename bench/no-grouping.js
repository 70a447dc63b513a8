/**
 * Preload (`node --import`) for `nines serve` that leaves alerts ungrouped: the
 * intake bench's "intake alone" server, so the cost of grouping in the whole
 * server shows beside it.
 */
import { Grouping } from '../dist/runtime/grouping.js';

Grouping.prototype.kick = () => {};
Grouping.prototype.run = async () => 0;
