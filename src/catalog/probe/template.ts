/**
 * Probe templates: `${name}` is a value an earlier step extracted, `${env:NAME}`
 * an environment variable (the only way secrets reach a probe), `$${` a literal
 * `${`. Pure: the runner passes the variables and the environment in.
 */

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'var' | 'env'; readonly name: string };

export interface ParsedTemplate {
  readonly parts: readonly TemplatePart[];
  /** What is wrong, each naming the character offset; empty when the template is sound. */
  readonly errors: readonly string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Splits a template into text and references.
 *
 * @example
 * parseTemplate('Bearer ${env:TOKEN}').parts;
 * // [{ kind: 'text', text: 'Bearer ' }, { kind: 'env', name: 'TOKEN' }]
 */
export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const errors: string[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      literal += text[i];
      i++;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    if (end < 0) {
      errors.push(`'\${' at offset ${i} is not closed with '}' (write $\${ for a literal \${)`);
      literal += text.slice(i);
      break;
    }
    const inner = text.slice(i + 2, end).trim();
    const env = inner.startsWith('env:');
    const name = env ? inner.slice(4).trim() : inner;
    if (!NAME.test(name)) {
      errors.push(
        name === ''
          ? `'\${}' at offset ${i} names no variable`
          : `'${name}' at offset ${i} is not a variable name; use letters, digits and _`,
      );
    } else {
      if (literal !== '') parts.push({ kind: 'text', text: literal });
      literal = '';
      parts.push({ kind: env ? 'env' : 'var', name });
    }
    i = end + 1;
  }
  if (literal !== '') parts.push({ kind: 'text', text: literal });
  return { parts, errors };
}

/**
 * The references of a template, for validation: which variables it needs.
 *
 * @example
 * templateRefs('/baskets/${basketId}?k=${env:KEY}').refs;
 * // [{ kind: 'var', name: 'basketId' }, { kind: 'env', name: 'KEY' }]
 */
export function templateRefs(text: string): {
  refs: { kind: 'var' | 'env'; name: string }[];
  errors: readonly string[];
} {
  const { parts, errors } = parseTemplate(text);
  const refs = parts.flatMap((p) => (p.kind === 'text' ? [] : [{ kind: p.kind, name: p.name }]));
  return { refs, errors };
}

export type Filled = { ok: true; value: string; secrets: string[] } | { ok: false; error: string };

/**
 * Fills a template. Environment values are secrets, and so are variables the
 * caller lists in `secretVars`: the result names them so they can be redacted.
 *
 * @example
 * fillTemplate('Bearer ${env:TOKEN}', new Map(), { TOKEN: 's3cr3t' });
 * // { ok: true, value: 'Bearer s3cr3t', secrets: ['s3cr3t'] }
 */
export function fillTemplate(
  text: string,
  vars: ReadonlyMap<string, string>,
  env: Readonly<Record<string, string | undefined>>,
  secretVars: ReadonlySet<string> = new Set(),
): Filled {
  const { parts, errors } = parseTemplate(text);
  if (errors.length > 0) return { ok: false, error: errors.join('; ') };
  let value = '';
  const secrets: string[] = [];
  for (const p of parts) {
    if (p.kind === 'text') {
      value += p.text;
    } else if (p.kind === 'env') {
      const v = env[p.name];
      if (v === undefined) return { ok: false, error: `environment variable ${p.name} is not set` };
      value += v;
      if (v !== '') secrets.push(v);
    } else {
      const v = vars.get(p.name);
      if (v === undefined) return { ok: false, error: `variable '${p.name}' has no value` };
      value += v;
      if (secretVars.has(p.name) && v !== '') secrets.push(v);
    }
  }
  return { ok: true, value, secrets };
}
