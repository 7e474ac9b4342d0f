// Recursive-descent parser for OData v4.01 $filter (Part 2 §5.1.1), producing an untyped tree.
//
// Precedence, loosest first (the "Operator Precedence" table of §5.1.1): or, and, not,
// comparisons, `in`, primaries. One deliberate reading: `not` takes a whole comparison, so
// `not a eq b` means `not (a eq b)`. The table puts unary `not` above `eq`, giving `(not a) eq b`,
// which is only well-typed for a boolean `a`, where both readings agree; the ABNF
// (notExpr = "not" RWS boolCommonExpr) reads it our way.
//
// Operators, true/false/null and function names are case-insensitive: "4.01 Services MUST
// support case-insensitive operator names" (§5.1.1); the tree holds them in lowercase.
// Comparisons do not chain (`a eq b eq c` is an error), and arithmetic, `has`, lambdas and paths
// are rejected with a message that says so.
import {
  builtInFunctions, compareOperators, defaultFilterLimits, keywords, ODataSyntaxError,
  type CompareOperator, type FilterLimits, type FilterNode,
} from './filter-ast.js';
import { tokenize, type Token } from './lexer.js';

export function parseFilter(text: string, limits: Partial<FilterLimits> = {}): FilterNode {
  const l: FilterLimits = { ...defaultFilterLimits, ...limits };
  if (text.length > l.maxLength) {
    throw new ODataSyntaxError(`the expression is ${text.length} characters long; the limit is ${l.maxLength}`, l.maxLength);
  }
  if (text.trim() === '') throw new ODataSyntaxError('the expression is empty', 0);
  return new FilterParser(tokenize(text), l).parse();
}

const arithmetic = new Set(['add', 'sub', 'mul', 'div', 'divby', 'mod']);
const isCompareOperator = (word: string): word is CompareOperator => (compareOperators as readonly string[]).includes(word);

class FilterParser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[], private readonly limits: FilterLimits) {}

  parse(): FilterNode {
    const node = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t, "'and', 'or' or the end of the expression");
    return node;
  }

  private parseOr(): FilterNode {
    return this.parseChain('or', () => this.parseAnd());
  }

  private parseAnd(): FilterNode {
    return this.parseChain('and', () => this.parseNot());
  }

  /** Left-associative chains are kept flat, so a long `a or b or …` never nests deeply. */
  private parseChain(op: 'and' | 'or', next: () => FilterNode): FilterNode {
    const first = next();
    const operands = [first];
    let pos = first.pos;
    for (let t = this.peek(); this.isWord(t, op); t = this.peek()) {
      if (operands.length === 1) pos = t.pos;
      this.i++;
      operands.push(next());
    }
    return operands.length === 1 ? first : { kind: op, operands, pos };
  }

  private parseNot(): FilterNode {
    const t = this.peek();
    if (!this.isWord(t, 'not')) return this.parseComparison();
    this.i++;
    this.enter(t.pos);
    const operand = this.parseNot();
    this.depth--;
    return { kind: 'not', operand, pos: t.pos };
  }

  private parseComparison(): FilterNode {
    const left = this.parsePrimary();
    const t = this.peek();
    if (t.kind !== 'ident') return left;
    const word = t.text.toLowerCase();
    if (isCompareOperator(word)) {
      this.i++;
      const right = this.parsePrimary(`a value after '${t.text}'`);
      const after = this.peek();
      if (after.kind === 'ident' && isCompareOperator(after.text.toLowerCase())) {
        throw new ODataSyntaxError(`comparisons cannot be chained: '${after.text}' at position ${after.pos} follows another comparison; combine them with 'and' or 'or'`, after.pos);
      }
      return { kind: 'compare', op: word, left, right, pos: t.pos };
    }
    if (word === 'in') {
      this.i++;
      return { kind: 'in', operand: left, list: this.parseList(t.pos), pos: t.pos };
    }
    if (arithmetic.has(word)) throw new ODataSyntaxError(`arithmetic operator '${t.text}' at position ${t.pos} is not supported`, t.pos);
    if (word === 'has') throw new ODataSyntaxError(`operator '${t.text}' at position ${t.pos} is not supported`, t.pos);
    return left;
  }

  /** The parenthesized list of `x in (v1, v2, …)`. */
  private parseList(inPos: number): FilterNode[] {
    const open = this.peek();
    if (open.kind !== 'lparen') throw this.unexpected(open, `'(' after 'in' at position ${inPos}: write prop in ('a', 'b')`);
    this.i++;
    this.enter(open.pos);
    const list: FilterNode[] = [];
    if (this.peek().kind === 'rparen') throw new ODataSyntaxError(`the 'in' list at position ${open.pos} is empty`, open.pos);
    for (;;) {
      list.push(this.parsePrimary(`a value in the 'in' list`));
      if (list.length > this.limits.maxInList) {
        throw new ODataSyntaxError(`the 'in' list at position ${open.pos} has more than ${this.limits.maxInList} values`, open.pos);
      }
      const t = this.peek();
      this.i++;
      if (t.kind === 'rparen') break;
      if (t.kind !== 'comma') throw this.unexpected(t, `',' or ')' in the 'in' list that starts at position ${open.pos}`);
    }
    this.depth--;
    return list;
  }

  private parsePrimary(what = 'a property, a value or a condition'): FilterNode {
    const t = this.peek();
    switch (t.kind) {
      case 'literal':
        this.i++;
        return { kind: 'literal', literal: t.literal, pos: t.pos };
      case 'lparen': {
        this.i++;
        this.enter(t.pos);
        const inner = this.parseOr();
        const close = this.peek();
        if (close.kind !== 'rparen') throw this.unexpected(close, `')' to close the '(' at position ${t.pos}`);
        this.i++;
        this.depth--;
        return inner;
      }
      case 'ident':
        return this.parseName(t, what);
      case 'rparen':
      case 'comma':
      case 'eof':
        throw this.unexpected(t, what);
    }
  }

  private parseName(t: Extract<Token, { kind: 'ident' }>, what: string): FilterNode {
    this.i++;
    const word = t.text.toLowerCase();
    if (word === 'true' || word === 'false') return { kind: 'literal', literal: { type: 'boolean', value: word === 'true' }, pos: t.pos };
    if (word === 'null') return { kind: 'literal', literal: { type: 'null' }, pos: t.pos };
    if (keywords.has(word)) {
      throw new ODataSyntaxError(`expected ${what} at position ${t.pos}, found the operator '${t.text}'`, t.pos);
    }
    if (this.peek().kind === 'lparen') return this.parseCall(t);
    if (t.text.includes('.')) {
      throw new ODataSyntaxError(`'${t.text}' at position ${t.pos}: qualified names and type casts are not supported; enum values are written 'value' or ${t.text}'value'`, t.pos);
    }
    return { kind: 'property', name: t.text, pos: t.pos };
  }

  private parseCall(name: Extract<Token, { kind: 'ident' }>): FilterNode {
    // Built-in function names are matched case-insensitively like the operators.
    const fn = builtInFunctions.has(name.text.toLowerCase()) ? name.text.toLowerCase() : name.text;
    const open = this.peek();
    this.i++;
    this.enter(open.pos);
    const args: FilterNode[] = [];
    if (this.peek().kind === 'rparen') {
      this.i++;
    } else {
      for (;;) {
        args.push(this.parseOr());
        const t = this.peek();
        this.i++;
        if (t.kind === 'rparen') break;
        if (t.kind !== 'comma') throw this.unexpected(t, `',' or ')' in the arguments of '${name.text}' at position ${name.pos}`);
      }
    }
    this.depth--;
    return { kind: 'call', name: fn, args, pos: name.pos };
  }

  private enter(pos: number): void {
    if (++this.depth > this.limits.maxDepth) {
      throw new ODataSyntaxError(`the expression nests deeper than ${this.limits.maxDepth} levels at position ${pos}`, pos);
    }
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  private peek(): Token {
    return this.tokens[this.i] ?? this.tokens[this.tokens.length - 1]!;
  }

  private unexpected(t: Token, expected: string): ODataSyntaxError {
    const found = t.kind === 'eof' ? 'the end of the expression'
      : t.kind === 'lparen' ? "'('" : t.kind === 'rparen' ? "')'" : t.kind === 'comma' ? "','"
        : t.kind === 'ident' ? `'${t.text}'` : 'a value';
    return new ODataSyntaxError(`expected ${expected} at position ${t.pos}, found ${found}`, t.pos);
  }
}
