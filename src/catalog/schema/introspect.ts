import type { z } from 'zod';

/** A zod schema of any kind, as the zod core sees it. */
export type Schema = z.core.$ZodType;

/** The parts of a zod definition that the catalog follows. */
export interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
  options?: Schema[];
}

export function def(schema: Schema): Def {
  return schema._zod.def as unknown as Def;
}

const WRAPPERS = ['optional', 'nullable', 'default', 'readonly', 'prefault', 'nonoptional'];

/** The schema under optional/default/… wrappers; for a pipe (preprocess), the schema it ends in. */
export function unwrap(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const d = def(s);
    if (d.innerType && WRAPPERS.includes(d.type)) s = d.innerType;
    else if (d.type === 'pipe' && d.out) s = d.out;
    else return s;
  }
}
