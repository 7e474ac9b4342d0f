// The regular expressions of -match and -notMatch, run without backtracking.
//
// Membership rules are written by admins and matched against attribute values that users and
// devices report, so a JavaScript RegExp (a backtracking engine) would let one rule such as
// `(a|aa)*$` or `(x+x+)+y` stall the process on a long value: ReDoS. Checking patterns for
// "safety" before handing them to RegExp is unsound unless it is very restrictive (even star
// height one, like `.*a.*a.*a`, is polynomial). So the pattern is compiled here to a Thompson NFA
// and simulated over the input with a set of states (Thompson 1968; Cox, "Regular Expression
// Matching Can Be Simple And Fast", 2007): time O(input × program), no pathological cases.
//
// -match answers whether the pattern occurs anywhere in the value (.NET Regex.IsMatch; the
// page's examples: "^Da.*" matches David not aDa, ".*vid" matches David), ignoring case
// ("Regex and string operations aren't case sensitive"). The syntax is what .NET and ECMAScript
// share: literals, `.`, classes with ranges and \d \w \s, anchors ^ $ \b \B, groups (plain,
// non-capturing, named), `|`, and * + ? {n} {n,} {n,m} with or without a lazy `?` (lazy and
// greedy agree on whether there is a match). Back-references, lookaround, atomic groups, inline
// options, \p{…} and class subtraction need backtracking or .NET specifics and are refused with
// the reason. `$` matches at the end or before a final newline, as in .NET.

export class RegexSyntaxError extends Error {
  override readonly name = 'RegexSyntaxError';
  /** `position` is the 0-based offset in the pattern. */
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

export interface SafeRegex {
  readonly source: string;
  /** Whether the pattern occurs in `input`, ignoring case. */
  test(input: string): boolean;
}

/** A pattern longer than this, or a program (after repetitions expand) bigger, is refused. */
export const regexLimits = { maxPatternLength: 512, maxProgramSize: 2000, maxRepeat: 100 } as const;

type Builtin = 'digit' | 'word' | 'space';
type ClassItem = { lo: number; hi: number } | { builtin: Builtin; negated: boolean };
type Pred = { kind: 'char'; cp: number } | { kind: 'any' } | { kind: 'class'; negated: boolean; items: ClassItem[] };
type AssertKind = 'start' | 'end' | 'boundary' | 'nonBoundary';
type Node =
  | { t: 'char'; pred: Pred }
  | { t: 'assert'; kind: AssertKind }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'repeat'; node: Node; min: number; max: number };
type Inst =
  | { op: 'char'; pred: Pred }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'assert'; kind: AssertKind }
  | { op: 'match' };

export function compileRegex(source: string): SafeRegex {
  if (source.length > regexLimits.maxPatternLength) {
    throw new RegexSyntaxError(`the pattern is ${source.length} characters long; the limit is ${regexLimits.maxPatternLength}`, 0);
  }
  const tree = new PatternParser(source).parse();
  const size = programSize(tree);
  if (size > regexLimits.maxProgramSize) {
    throw new RegexSyntaxError(`the pattern is too large once its repetitions are expanded (limit ${regexLimits.maxProgramSize} steps); use fewer or smaller {n,m} counts`, 0);
  }
  const program: Inst[] = [];
  emit(tree, program);
  program.push({ op: 'match' });
  return { source, test: (input) => run(program, Array.from(input, (c) => c.codePointAt(0)!)) };
}

class PatternParser {
  private i = 0;
  private depth = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new RegexSyntaxError(`unmatched ')' at pattern position ${this.i}`, this.i);
    return node;
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.src[this.i] === '|') { this.i++; items.push(this.sequence()); }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const start = this.i;
      const atom = this.atom();
      const q = this.quantifier();
      if (q) {
        if (atom.t === 'assert' && this.src[start] !== '(') throw new RegexSyntaxError(`nothing to repeat at pattern position ${start}: an anchor cannot take a quantifier`, start);
        items.push({ t: 'repeat', node: atom, ...q });
        if (this.quantifier(true)) throw new RegexSyntaxError(`a quantifier cannot follow another quantifier at pattern position ${this.i}`, this.i);
      } else {
        items.push(atom);
      }
    }
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  /** `peekOnly` reports a quantifier without reading it (for the nested-quantifier error). */
  private quantifier(peekOnly = false): { min: number; max: number } | undefined {
    const c = this.src[this.i];
    let q: { min: number; max: number; len: number } | undefined;
    if (c === '*') q = { min: 0, max: Infinity, len: 1 };
    else if (c === '+') q = { min: 1, max: Infinity, len: 1 };
    else if (c === '?') q = { min: 0, max: 1, len: 1 };
    else if (c === '{') {
      const m = /^\{(\d{1,6})(?:(,)(\d{0,6}))?\}/.exec(this.src.slice(this.i, this.i + 16));
      if (!m) return undefined; // a literal '{', as in .NET and ECMAScript
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min) throw new RegexSyntaxError(`{${min},${max}} at pattern position ${this.i} has its numbers out of order`, this.i);
      if (min > regexLimits.maxRepeat || (max !== Infinity && max > regexLimits.maxRepeat)) {
        throw new RegexSyntaxError(`the count at pattern position ${this.i} is over ${regexLimits.maxRepeat}`, this.i);
      }
      q = { min, max, len: m[0].length };
    }
    if (!q || peekOnly) return q;
    this.i += q.len;
    if (this.src[this.i] === '?') this.i++; // lazy: same answer to "is there a match"
    return { min: q.min, max: q.max };
  }

  private atom(): Node {
    const pos = this.i;
    const c = this.src[this.i++]!;
    switch (c) {
      case '.': return { t: 'char', pred: { kind: 'any' } };
      case '^': return { t: 'assert', kind: 'start' };
      case '$': return { t: 'assert', kind: 'end' };
      case '[': return { t: 'char', pred: this.charClass(pos) };
      case '(': return this.group(pos);
      case '\\': return this.escape(pos, false) as Node;
      case '*': case '+': case '?':
        throw new RegexSyntaxError(`nothing to repeat at pattern position ${pos}: '${c}' follows no character or group`, pos);
      default: {
        const cp = this.src.codePointAt(pos)!;
        this.i = pos + (cp > 0xffff ? 2 : 1);
        if (c === '{' && /^\{\d{1,6}(?:,\d{0,6})?\}/.test(this.src.slice(pos, pos + 16))) {
          throw new RegexSyntaxError(`nothing to repeat at pattern position ${pos}: '{' follows no character or group`, pos);
        }
        return { t: 'char', pred: { kind: 'char', cp } };
      }
    }
  }

  private group(pos: number): Node {
    if (this.src[this.i] === '?') {
      const rest = this.src.slice(this.i, this.i + 3);
      if (rest.startsWith('?:')) this.i += 2;
      else if (/^\?<[A-Za-z_]/.test(rest) || /^\?'[A-Za-z_]/.test(rest)) {
        const close = this.src.indexOf(rest[1] === '<' ? '>' : "'", this.i + 2);
        if (close < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.src.slice(this.i + 2, close))) {
          throw new RegexSyntaxError(`malformed group name at pattern position ${pos}`, pos);
        }
        this.i = close + 1;
      } else {
        const what = /^\?<?[=!]/.test(rest) ? 'lookahead and lookbehind' : rest.startsWith('?>') ? 'atomic groups' : 'inline options and other (?…) constructs';
        throw new RegexSyntaxError(`(${rest}… at pattern position ${pos}: ${what} are not supported`, pos);
      }
    }
    if (++this.depth > 32) throw new RegexSyntaxError(`groups nest deeper than 32 levels at pattern position ${pos}`, pos);
    const inner = this.alternation();
    this.depth--;
    if (this.src[this.i] !== ')') throw new RegexSyntaxError(`the '(' at pattern position ${pos} is never closed`, pos);
    this.i++;
    return inner;
  }

  /** After a backslash. Inside a class, anchors are refused and the result is a class item. */
  private escape(pos: number, inClass: boolean): Node | ClassItem {
    const c = this.src[this.i];
    if (c === undefined) throw new RegexSyntaxError(`the pattern ends with a lone '\\' at pattern position ${pos}`, pos);
    this.i++;
    const lower = c.toLowerCase();
    if (lower === 'd' || lower === 'w' || lower === 's') {
      const item: ClassItem = { builtin: lower === 'd' ? 'digit' : lower === 'w' ? 'word' : 'space', negated: c !== lower };
      return inClass ? item : { t: 'char', pred: { kind: 'class', negated: false, items: [item] } };
    }
    if ((c === 'b' || c === 'B') && !inClass) return { t: 'assert', kind: c === 'b' ? 'boundary' : 'nonBoundary' };
    const simple: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, e: 27, a: 7, ...(inClass ? { b: 8 } : {}) };
    let cp = simple[c];
    if (cp === undefined && (c === 'x' || c === 'u')) {
      const digits = c === 'x' ? 2 : 4;
      const hex = this.src.slice(this.i, this.i + digits);
      if (!new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(hex)) throw new RegexSyntaxError(`\\${c} at pattern position ${pos} needs ${digits} hexadecimal digits`, pos);
      this.i += digits;
      cp = parseInt(hex, 16);
    }
    if (cp === undefined) {
      if (/[0-9]/.test(c)) throw new RegexSyntaxError(`\\${c} at pattern position ${pos}: back-references are not supported`, pos);
      if (/[A-Za-z]/.test(c)) throw new RegexSyntaxError(`\\${c} at pattern position ${pos} is not supported; write \\ before a punctuation character to match it literally`, pos);
      cp = this.src.codePointAt(this.i - 1)!;
      if (cp > 0xffff) this.i++;
    }
    return inClass ? { lo: cp, hi: cp } : { t: 'char', pred: { kind: 'char', cp } };
  }

  private charClass(pos: number): Pred {
    const negated = this.src[this.i] === '^';
    if (negated) this.i++;
    const items: ClassItem[] = [];
    for (let first = true; ; first = false) {
      const c = this.src[this.i];
      if (c === undefined) throw new RegexSyntaxError(`the '[' at pattern position ${pos} is never closed`, pos);
      if (c === ']' && !first) { this.i++; break; }
      if (c === '-' && this.src[this.i + 1] === '[') throw new RegexSyntaxError(`class subtraction at pattern position ${this.i} is not supported`, this.i);
      const lo = this.classAtom(pos);
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined && 'lo' in lo) {
        const dash = this.i++;
        const hi = this.classAtom(pos);
        if (!('lo' in hi)) throw new RegexSyntaxError(`a range at pattern position ${dash} ends in a class like \\d`, dash);
        if (hi.lo < lo.lo) throw new RegexSyntaxError(`the range at pattern position ${dash} is out of order`, dash);
        items.push({ lo: lo.lo, hi: hi.lo });
      } else {
        items.push(lo);
      }
    }
    return { kind: 'class', negated, items };
  }

  private classAtom(classPos: number): ClassItem {
    const at = this.i;
    if (this.src[at] === '\\') { this.i++; return this.escape(at, true) as ClassItem; }
    const cp = this.src.codePointAt(at);
    if (cp === undefined) throw new RegexSyntaxError(`the '[' at pattern position ${classPos} is never closed`, classPos);
    this.i += cp > 0xffff ? 2 : 1;
    return { lo: cp, hi: cp };
  }
}

/** The number of instructions `emit` will produce, saturating well above the limit. */
function programSize(n: Node): number {
  const cap = (x: number) => Math.min(x, 1e7);
  switch (n.t) {
    case 'char': case 'assert': return 1;
    case 'seq': return cap(n.items.reduce((s, x) => s + programSize(x), 0));
    case 'alt': return cap(n.items.reduce((s, x) => s + programSize(x) + 2, 0));
    case 'repeat': {
      const one = programSize(n.node);
      return n.max === Infinity ? cap(one * n.min + one + 2) : cap(one * n.max + (n.max - n.min));
    }
  }
}

function emit(n: Node, p: Inst[]): void {
  switch (n.t) {
    case 'char': p.push({ op: 'char', pred: n.pred }); return;
    case 'assert': p.push({ op: 'assert', kind: n.kind }); return;
    case 'seq': for (const x of n.items) emit(x, p); return;
    case 'alt': {
      const jumps: { op: 'jmp'; x: number }[] = [];
      n.items.forEach((x, k) => {
        const last = k === n.items.length - 1;
        const split = { op: 'split' as const, x: p.length + 1, y: 0 };
        if (!last) p.push(split);
        emit(x, p);
        if (!last) { const j = { op: 'jmp' as const, x: 0 }; jumps.push(j); p.push(j); split.y = p.length; }
      });
      for (const j of jumps) j.x = p.length;
      return;
    }
    case 'repeat': {
      for (let k = 0; k < n.min; k++) emit(n.node, p);
      if (n.max === Infinity) {
        const split = { op: 'split' as const, x: p.length + 1, y: 0 };
        const top = p.length;
        p.push(split);
        emit(n.node, p);
        p.push({ op: 'jmp', x: top });
        split.y = p.length;
        return;
      }
      const splits: { op: 'split'; x: number; y: number }[] = [];
      for (let k = n.min; k < n.max; k++) {
        const split = { op: 'split' as const, x: p.length + 1, y: 0 };
        splits.push(split);
        p.push(split);
        emit(n.node, p);
      }
      for (const s of splits) s.y = p.length;
    }
  }
}

const isWordChar = (cp: number | undefined) => cp !== undefined && /^[\p{L}\p{Mn}\p{Nd}\p{Pc}]$/u.test(String.fromCodePoint(cp));

function builtinHas(b: Builtin, cp: number): boolean {
  const ch = String.fromCodePoint(cp);
  switch (b) {
    case 'digit': return /^\p{Nd}$/u.test(ch);
    case 'word': return isWordChar(cp);
    case 'space': return /^\s$/u.test(ch);
  }
}

function classHas(items: readonly ClassItem[], cp: number): boolean {
  return items.some((it) => ('lo' in it ? cp >= it.lo && cp <= it.hi : builtinHas(it.builtin, cp) !== it.negated));
}

/** Case variants of a code point: the rule's comparisons ignore case. */
function variants(cp: number): number[] {
  const ch = String.fromCodePoint(cp);
  const out = [cp];
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
    const vcp = v.codePointAt(0)!;
    if (v.length === String.fromCodePoint(vcp).length && !out.includes(vcp)) out.push(vcp);
  }
  return out;
}

/** `cases` is variants(cp), computed once per input character. */
function predHas(pred: Pred, cp: number, cases: readonly number[]): boolean {
  switch (pred.kind) {
    case 'any': return cp !== 10;
    case 'char': return cases.includes(pred.cp);
    case 'class': return cases.some((v) => classHas(pred.items, v)) !== pred.negated;
  }
}

function assertHolds(kind: AssertKind, input: readonly number[], at: number): boolean {
  switch (kind) {
    case 'start': return at === 0;
    case 'end': return at === input.length || (at === input.length - 1 && input[at] === 10);
    case 'boundary': return isWordChar(input[at - 1]) !== isWordChar(input[at]);
    case 'nonBoundary': return isWordChar(input[at - 1]) === isWordChar(input[at]);
  }
}

/** Thompson simulation: the set of live states advances one input character at a time. */
function run(program: readonly Inst[], input: readonly number[]): boolean {
  const mark = new Int32Array(program.length).fill(-1);
  let generation = 0;
  let matched = false;
  const stack: number[] = [];
  const add = (list: number[], pc0: number, at: number) => {
    stack.push(pc0);
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (mark[pc] === generation) continue;
      mark[pc] = generation;
      const inst = program[pc]!;
      switch (inst.op) {
        case 'char': list.push(pc); break;
        case 'jmp': stack.push(inst.x); break;
        case 'split': stack.push(inst.y, inst.x); break;
        case 'assert': if (assertHolds(inst.kind, input, at)) stack.push(pc + 1); break;
        case 'match': matched = true; break;
      }
    }
  };
  const cases = input.map(variants);
  let current: number[] = [];
  add(current, 0, 0);
  for (let at = 0; at < input.length && !matched; at++) {
    generation++;
    const next: number[] = [];
    for (const pc of current) {
      const inst = program[pc]!;
      if (inst.op === 'char' && predHas(inst.pred, input[at]!, cases[at]!)) add(next, pc + 1, at + 1);
    }
    add(next, 0, at + 1); // the match may start at any position
    current = next;
  }
  return matched;
}
