// Tokens of the run filter language. Shared by core (which compiles it to SQL) and the renderer (which
// highlights it as you type), so both read a filter the same way.
export type TokenType = 'key' | 'string' | 'number' | 'op' | 'keyword' | 'lparen' | 'rparen' | 'comma' | 'eof';

export interface Token {
  type: TokenType;
  /** the source text of the token */
  text: string;
  /** for strings: the unquoted value; for keys: the key after the entity prefix; for keywords: upper case */
  value: string;
  /** for keys: the entity prefix as written (may be empty), e.g. "metrics" */
  prefix: string;
  start: number;
  end: number;
}

export const KEYWORDS = ['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE', 'ILIKE', 'ASC', 'DESC'] as const;
const OPS = ['<=', '>=', '!=', '<>', '=', '<', '>'];

export class FilterSyntaxError extends Error {
  constructor(readonly position: number, readonly expected: string, readonly found: string) {
    super(`Syntax error at position ${position + 1}: expected ${expected}, found ${found}.`);
    this.name = 'FilterSyntaxError';
  }
}

const isWord = (c: string): boolean => /[A-Za-z0-9_\-]/.test(c);
const isStart = (c: string): boolean => /[A-Za-z_]/.test(c);

function readQuoted(src: string, at: number): { value: string; end: number } {
  const q = src[at];
  let value = '';
  let i = at + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length) { value += src[i + 1]; i += 2; continue; }
    // SQL style: a doubled quote inside a quoted string stands for one quote.
    if (c === q && src[i + 1] === q) { value += q; i += 2; continue; }
    if (c === q) return { value, end: i + 1 };
    value += c;
    i++;
  }
  throw new FilterSyntaxError(at, `a closing ${q}`, 'the end of the filter');
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (type: TokenType, start: number, end: number, value = src.slice(start, end), prefix = '') =>
    out.push({ type, text: src.slice(start, end), value, prefix, start, end });
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(') { push('lparen', i, ++i); continue; }
    if (c === ')') { push('rparen', i, ++i); continue; }
    if (c === ',') { push('comma', i, ++i); continue; }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) { push('op', i, i + op.length, op === '<>' ? '!=' : op); i += op.length; continue; }
    if (c === "'" || c === '"') { const q = readQuoted(src, i); push('string', i, q.end, q.value); i = q.end; continue; }
    if (c === '`') { const q = readQuoted(src, i); push('key', i, q.end, q.value); i = q.end; continue; }
    if (/[0-9.+-]/.test(c) && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.test(src.slice(i))) {
      const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i))!;
      push('number', i, i + m[0].length);
      i += m[0].length;
      continue;
    }
    if (isStart(c)) {
      const start = i;
      while (i < src.length && isWord(src[i])) i++;
      const word = src.slice(start, i);
      if (src[i] !== '.') {
        const upper = word.toUpperCase();
        if ((KEYWORDS as readonly string[]).includes(upper)) push('keyword', start, i, upper);
        else push('key', start, i, word, '');
        continue;
      }
      // prefix.key — the key runs to the next delimiter and may hold dots (tags.meter.version) or be quoted.
      i++;
      const q = src[i];
      if (q === '`' || q === '"' || q === "'") {
        const r = readQuoted(src, i);
        i = r.end;
        push('key', start, i, r.value, word);
      } else {
        const keyStart = i;
        while (i < src.length && (isWord(src[i]) || src[i] === '.')) i++;
        if (i === keyStart) throw new FilterSyntaxError(keyStart, `a key name after "${word}."`, i < src.length ? `"${src[i]}"` : 'the end of the filter');
        push('key', start, i, src.slice(keyStart, i), word);
      }
      continue;
    }
    throw new FilterSyntaxError(i, 'a key, a value or an operator', `"${c}"`);
  }
  out.push({ type: 'eof', text: '', value: '', prefix: '', start: src.length, end: src.length });
  return out;
}
