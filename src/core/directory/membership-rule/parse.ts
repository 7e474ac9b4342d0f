// Microsoft Entra dynamic membership rules (group.membershipRule): tokenizer, parser and checks
// against the property table, producing a typed tree that evaluate.ts runs.
//
// Source: "Manage rules for dynamic membership groups in Microsoft Entra ID",
// https://learn.microsoft.com/entra/identity/users/groups-dynamic-membership (2024-12-19).
// What the page says, and how this file reads it:
// - `object.property -operator value`; a rule names user or device properties, never both; at
//   most 3,072 characters.
// - Operators are case-insensitive and "can be used with or without the hyphen"; the page's own
//   examples write some with an en dash (–eq), which is accepted too.
// - Precedence, tightest first: comparisons, -not, -and, -or; parentheses as usual. -any/-all
//   are listed loosest, but with a bare condition (`-any _ -startsWith "x"`) only that one
//   comparison is quantified: `… -any _ -eq "a" -and device.accountEnabled -eq true` would
//   otherwise mix scopes and be an error. Parenthesize to quantify more.
// - Strings are "double quoted"; inside, `" stands for a quote and `` for a backtick (the page
//   escapes quotes with a backtick); any other backtick is kept. The page's own example,
//   user.department -eq `"Sales`", is PowerShell's spelling of "Sales" and reads as Sales.
//   'Single quoted' strings (the page's `['value']`) escape a quote by doubling it ('').
// - `null` (or `$null`, which Entra also accepts) only with -eq and -ne; "null" in quotes is text.
//   `-not` is not a comparison operator (`user.mail -not null` is refused, as Entra does).
// - Values other than strings: true/false for booleans; a datetime or `system.now -plus|-minus
//   <ISO 8601 duration>` for employeeHireDate, the one property the page allows -le/-ge on.
// Refused with a reason: memberOf, Direct Reports rules, nested -any/-all, regular expressions
// beyond the safe subset of regex.ts.
import { StewardError } from '../../errors.js';
import {
  findProperty, propertyList, suggestProperty, unsupportedProperties,
  type PropertyInfo, type RuleSubject,
} from './properties.js';
import { compileRegex, RegexSyntaxError } from './regex.js';

export type TextTest = 'eq' | 'startsWith' | 'endsWith' | 'contains';
export interface Duration { years: number; months: number; days: number; hours: number; minutes: number; seconds: number }
export type DateOperand =
  | { kind: 'instant'; epochMs: number }
  | { kind: 'now'; sign: 1 | -1; offset: Duration | null };

/**
 * A condition. `property` is a subject property in its canonical spelling; inside -any/-all it is
 * `_` (the item itself) or a property of the item. Negated operators (-ne, -notContains, …) are
 * the positive test with `negated: true`, so `-notX` is exactly `-not (-X)`.
 */
export type RuleExpr =
  | { kind: 'and' | 'or'; operands: RuleExpr[] }
  | { kind: 'not'; operand: RuleExpr }
  | { kind: 'isNull'; property: string; negated: boolean }
  | { kind: 'text'; property: string; test: TextTest; value: string; negated: boolean }
  | { kind: 'in'; property: string; values: string[]; negated: boolean }
  | { kind: 'match'; property: string; pattern: string; negated: boolean }
  | { kind: 'boolean'; property: string; value: boolean; negated: boolean }
  | { kind: 'date'; property: string; test: 'eq' | 'le' | 'ge'; value: DateOperand; negated: boolean }
  | { kind: 'quantified'; property: string; quantifier: 'any' | 'all'; condition: RuleExpr };

export interface MembershipRule { subject: RuleSubject; expr: RuleExpr }

export const membershipRuleLimits = { maxLength: 3072, maxDepth: 32, maxInList: 256 } as const;

type Token =
  | { kind: '(' | ')' | '[' | ']' | ',' | 'eof'; pos: number }
  /** `-word` (hyphen or en dash); `word` is lowercase. */
  | { kind: 'op'; word: string; text: string; pos: number }
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'string'; value: string; pos: number };

const fail = (message: string) => new StewardError('invalid-input', `membershipRule: ${message}`, 'membershipRule');

export function parseMembershipRule(text: string): MembershipRule {
  if (text.length > membershipRuleLimits.maxLength) {
    throw fail(`the rule is ${text.length} characters long; the limit is ${membershipRuleLimits.maxLength}`);
  }
  if (text.trim() === '') throw fail('the rule is empty');
  if (/^\s*\(?\s*direct\s+reports\s+for\b/i.test(text)) {
    throw fail('"Direct Reports for" rules are not supported by Steward; select the users by a property such as user.department');
  }
  return new RuleParser(tokenize(text)).parse();
}

const foreign: readonly [string, string][] = [['==', '-eq'], ['!=', '-ne'], ['<>', '-ne'], ['&&', '-and'], ['||', '-or'], ['=', '-eq'], ['!', '-not']];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const pos = i;
    if (/\s/.test(c)) { i++; continue; }
    if ('()[],'.includes(c)) { tokens.push({ kind: c as '(', pos }); i++; continue; }
    if (c === '"' || c === "'" || (c === '`' && text[i + 1] === '"')) {
      const { value, end } = readString(text, i);
      tokens.push({ kind: 'string', value, pos });
      i = end;
      continue;
    }
    const op = /^[-\u2013]([A-Za-z]+)/.exec(text.slice(i, i + 40));
    if (op) {
      tokens.push({ kind: 'op', word: op[1]!.toLowerCase(), text: `-${op[1]!}`, pos });
      i += op[0].length;
      continue;
    }
    const word = /^(?:-?[0-9][0-9A-Za-z.:+-]*|[A-Za-z_$][A-Za-z0-9_.$]*)/.exec(text.slice(i, i + 200));
    if (word) {
      tokens.push({ kind: 'word', text: word[0], pos });
      i += word[0].length;
      continue;
    }
    throw unexpectedCharacter(text, i);
  }
  tokens.push({ kind: 'eof', pos: text.length });
  return tokens;
}

/**
 * A string token. The page's escaped form `"Sales`" (no outer quotes) is PowerShell's way of
 * writing "Sales" inside a double-quoted PowerShell string, so it is read as the string Sales.
 */
function readString(text: string, start: number): { value: string; end: number } {
  const fenced = text[start] === '`';
  const quote = fenced ? '"' : text[start]!;
  let value = '';
  for (let i = start + (fenced ? 2 : 1); i < text.length; i++) {
    const c = text[i]!;
    if (fenced && c === '`' && text[i + 1] === '"') return { value, end: i + 2 };
    if (!fenced && quote === '"' && c === '`' && (text[i + 1] === '"' || text[i + 1] === '`')) { value += text[++i]; continue; }
    if (c === quote && !fenced) {
      if (quote === "'" && text[i + 1] === "'") { value += "'"; i++; continue; }
      return { value, end: i + 1 };
    }
    value += c;
  }
  if (fenced) throw fail(`unterminated string starting at position ${start}; a string opened with \`" ends with \`"`);
  const hint = quote === '"' ? 'write `" for a quote inside' : "write '' for a quote inside";
  throw fail(`unterminated string starting at position ${start}; strings end with ${quote} (${hint})`);
}

function unexpectedCharacter(text: string, pos: number): StewardError {
  for (const [symbol, op] of foreign) {
    if (text.startsWith(symbol, pos)) return fail(`'${symbol}' at position ${pos} is not a rule operator; write ${op}`);
  }
  const c = text[pos]!;
  if ('\u201c\u201d\u201e\u2018\u2019'.includes(c)) return fail(`typographic quote ${c} at position ${pos}; write straight quotes: "value"`);
  const shown = /[\x21-\x7e]/.test(c) ? `'${c}'` : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return fail(`unexpected character ${shown} at position ${pos}`);
}

const operators = ['eq', 'ne', 'startswith', 'notstartswith', 'endswith', 'notendswith', 'contains', 'notcontains', 'match', 'notmatch', 'in', 'notin', 'le', 'ge', 'any', 'all'] as const;
type Operator = (typeof operators)[number];
const operatorList = '-eq, -ne, -startsWith, -notStartsWith, -endsWith, -notEndsWith, -contains, -notContains, -match, -notMatch, -in, -notIn, -le, -ge (employeeHireDate), -any, -all';
const textTests: Partial<Record<Operator, [TextTest, boolean]>> = {
  eq: ['eq', false], ne: ['eq', true], startswith: ['startsWith', false], notstartswith: ['startsWith', true],
  endswith: ['endsWith', false], notendswith: ['endsWith', true], contains: ['contains', false], notcontains: ['contains', true],
};

/** Where a comparison is: at the top, or inside `collection -any (…)`. */
type Scope = { kind: 'top' } | { kind: 'item'; collection: PropertyInfo; display: string };
type Prop = { name: string; type: 'string' | 'boolean' | 'dateTime' | 'stringCollection' | 'objectCollection'; display: string; info?: PropertyInfo };

class RuleParser {
  private i = 0;
  private depth = 0;
  private subject: { name: RuleSubject; display: string; pos: number } | undefined;

  constructor(private readonly tokens: Token[]) {}

  parse(): MembershipRule {
    const expr = this.or({ kind: 'top' });
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t, "-and, -or or the end of the rule");
    // A rule is one or more comparisons, and every comparison at the top names a property.
    return { subject: this.subject!.name, expr };
  }

  private or(scope: Scope): RuleExpr { return this.chain('or', () => this.and(scope)); }
  private and(scope: Scope): RuleExpr { return this.chain('and', () => this.not(scope)); }

  /** Chains stay flat, so a long `a -or b -or …` never nests deeply. */
  private chain(op: 'and' | 'or', next: () => RuleExpr): RuleExpr {
    const operands = [next()];
    while (this.isOperator(this.peek(), op)) { this.i++; operands.push(next()); }
    return operands.length === 1 ? operands[0]! : { kind: op, operands };
  }

  private not(scope: Scope): RuleExpr {
    const t = this.peek();
    if (!this.isOperator(t, 'not')) return this.primary(scope);
    this.i++;
    this.enter(t.pos);
    const operand = this.not(scope);
    this.depth--;
    return { kind: 'not', operand };
  }

  private primary(scope: Scope): RuleExpr {
    const t = this.peek();
    if (t.kind !== '(') return this.comparison(scope);
    this.i++;
    this.enter(t.pos);
    const inner = this.or(scope);
    const close = this.peek();
    if (close.kind !== ')') throw this.unexpected(close, `')' to close the '(' at position ${t.pos}`);
    this.i++;
    this.depth--;
    return inner;
  }

  private comparison(scope: Scope): RuleExpr {
    const t = this.peek();
    if (t.kind !== 'word') throw this.unexpected(t, scope.kind === 'top' ? 'a property such as user.department or device.deviceOSType' : `a condition on the items of ${scope.display}`);
    this.i++;
    const prop = scope.kind === 'top' ? this.property(t) : this.itemProperty(t, scope);
    const opToken = this.peek();
    const op = this.operator(opToken, prop);
    this.i++;
    const shown = opToken.kind === 'op' ? opToken.text : `-${op}`;
    const after = `after ${shown} at position ${opToken.pos}`;
    if (op === 'any' || op === 'all') return this.quantified(prop, op, scope, opToken.pos);
    if (prop.type === 'objectCollection') throw fail(`${prop.display} is a collection of objects: write ${prop.display} -any (${prop.info!.item!.prefix}.${prop.info!.item!.properties[0]!} -eq "…")`);
    const v = this.peek();
    if (v.kind === 'word' && /^\$?null$/i.test(v.text)) {
      this.i++;
      if (op !== 'eq' && op !== 'ne') throw fail(`null ${after} can only be compared with -eq or -ne`);
      return { kind: 'isNull', property: prop.name, negated: op === 'ne' };
    }
    switch (prop.type) {
      case 'boolean': {
        if (op !== 'eq' && op !== 'ne') throw fail(`${prop.display} is true or false: compare it with -eq or -ne, not ${shown} (position ${opToken.pos})`);
        if (v.kind !== 'word' || !/^(true|false)$/i.test(v.text)) {
          const hint = v.kind === 'string' && /^(true|false)$/i.test(v.value) ? '; write true or false without quotes' : '';
          throw this.unexpected(v, `true, false or null ${after}`, hint);
        }
        this.i++;
        return { kind: 'boolean', property: prop.name, value: v.text.toLowerCase() === 'true', negated: op === 'ne' };
      }
      case 'dateTime': {
        if (op !== 'eq' && op !== 'ne' && op !== 'le' && op !== 'ge') throw fail(`${prop.display} is a date: compare it with -eq, -ne, -le or -ge, not ${shown} (position ${opToken.pos})`);
        return { kind: 'date', property: prop.name, test: op === 'ne' ? 'eq' : op, value: this.dateOperand(after), negated: op === 'ne' };
      }
      case 'string':
      case 'stringCollection':
        return this.textComparison(prop, op, after, opToken.pos);
    }
  }

  private textComparison(prop: Prop, op: Operator, after: string, opPos: number): RuleExpr {
    if (op === 'in' || op === 'notin') return { kind: 'in', property: prop.name, values: this.list(after), negated: op === 'notin' };
    if (op === 'le' || op === 'ge') throw fail(`-${op} at position ${opPos} compares dates such as user.employeeHireDate; ${prop.display} is text`);
    const v = this.peek();
    if (v.kind === '[') throw fail(`a list ${after} needs -in or -notIn`);
    if (v.kind !== 'string') {
      const hint = v.kind === 'word' ? `; write "${v.text}"` : '';
      throw fail(`expected a quoted value ${after}, found ${this.describe(v)} at position ${v.pos}${hint}`);
    }
    this.i++;
    if (op === 'match' || op === 'notmatch') {
      try {
        compileRegex(v.value);
      } catch (err) {
        if (err instanceof RegexSyntaxError) throw fail(`the pattern at position ${v.pos}: ${err.message}`);
        throw err;
      }
      return { kind: 'match', property: prop.name, pattern: v.value, negated: op === 'notmatch' };
    }
    const [test, negated] = textTests[op]!;
    if (test === 'eq' && v.value === '') throw fail(`"" ${after} never matches (Entra keeps no empty values); compare with null instead`);
    return { kind: 'text', property: prop.name, test, value: v.value, negated };
  }

  private list(after: string): string[] {
    const open = this.peek();
    if (open.kind !== '[') throw this.unexpected(open, `a list like ["a", "b"] ${after}`);
    this.i++;
    const values: string[] = [];
    for (;;) {
      const v = this.peek();
      if (v.kind !== 'string') {
        const hint = v.kind === 'word' ? `; write "${v.text}"` : values.length === 0 ? ' (lists cannot be empty)' : '';
        throw this.unexpected(v, `a quoted value in the list that starts at position ${open.pos}`, hint);
      }
      this.i++;
      values.push(v.value);
      if (values.length > membershipRuleLimits.maxInList) throw fail(`the list at position ${open.pos} has more than ${membershipRuleLimits.maxInList} values`);
      const t = this.peek();
      this.i++;
      if (t.kind === ']') return values;
      if (t.kind !== ',') throw this.unexpected(t, `',' or ']' in the list that starts at position ${open.pos}`);
    }
  }

  private dateOperand(after: string): DateOperand {
    const v = this.peek();
    this.i++;
    if (v.kind === 'word' && v.text.toLowerCase() === 'system.now') {
      const t = this.peek();
      if (!this.isOperator(t, 'plus') && !this.isOperator(t, 'minus')) return { kind: 'now', sign: 1, offset: null };
      this.i++;
      const d = this.peek();
      const offset = d.kind === 'word' ? parseDuration(d.text) : undefined;
      if (!offset) throw this.unexpected(d, `an ISO 8601 duration such as P1D or PT12H after ${this.describe(t)} at position ${t.pos}`);
      this.i++;
      return { kind: 'now', sign: this.isOperator(t, 'plus') ? 1 : -1, offset };
    }
    const epochMs = v.kind === 'string' || v.kind === 'word' ? parseInstant(v.kind === 'string' ? v.value : v.text) : undefined;
    if (epochMs === undefined) throw this.unexpected(v, `a date such as 2024-06-10T18:13:20Z or system.now ${after}`);
    return { kind: 'instant', epochMs };
  }

  private quantified(prop: Prop, quantifier: 'any' | 'all', scope: Scope, pos: number): RuleExpr {
    if (scope.kind === 'item') throw fail(`-${quantifier} at position ${pos} cannot be nested inside another -any or -all`);
    if (prop.type !== 'stringCollection' && prop.type !== 'objectCollection') {
      throw fail(`-${quantifier} at position ${pos} applies to multi-valued properties such as user.proxyAddresses; ${prop.display} has one value`);
    }
    const inner: Scope = { kind: 'item', collection: prop.info!, display: prop.display };
    this.enter(pos);
    const condition = this.peek().kind === '(' ? this.primary(inner) : this.not(inner);
    this.depth--;
    return { kind: 'quantified', property: prop.name, quantifier, condition };
  }

  private property(t: Extract<Token, { kind: 'word' }>): Prop {
    const dot = t.text.indexOf('.');
    const prefix = dot < 0 ? '' : t.text.slice(0, dot).toLowerCase();
    if (prefix !== 'user' && prefix !== 'device') {
      if (t.text === '_' || prefix === 'assignedplan') throw fail(`${t.text} at position ${t.pos} stands for an item of a collection and is only valid inside -any or -all`);
      throw fail(`expected a property such as user.department or device.deviceOSType at position ${t.pos}, found ${t.text}; property names start with user. or device.`);
    }
    const subject: RuleSubject = prefix;
    const name = t.text.slice(dot + 1);
    if (this.subject && this.subject.name !== subject) {
      throw fail(`mixes user and device properties (${this.subject.display} at position ${this.subject.pos}, ${t.text} at position ${t.pos}); a rule selects either users or devices`);
    }
    const info = findProperty(subject, name);
    if (!info) {
      const reason = unsupportedProperties.get(name.toLowerCase());
      if (reason) throw fail(`${t.text} at position ${t.pos}: ${reason}`);
      const other: RuleSubject = subject === 'user' ? 'device' : 'user';
      const suggestion = suggestProperty(subject, name);
      const hint = suggestion ? ` (did you mean ${subject}.${suggestion}?)` : findProperty(other, name) ? ` (${name} is a ${other} property)` : '';
      throw fail(`unknown property ${t.text} at position ${t.pos}${hint}; ${subject} properties are ${propertyList(subject)}`);
    }
    this.subject ??= { name: subject, display: t.text, pos: t.pos };
    return { name: info.name, type: info.type, display: `${subject}.${info.name}`, info };
  }

  private itemProperty(t: Extract<Token, { kind: 'word' }>, scope: Extract<Scope, { kind: 'item' }>): Prop {
    const item = scope.collection.item;
    if (!item) {
      if (t.text === '_') return { name: '_', type: 'string', display: '_' };
      throw fail(`inside ${scope.display} -any/-all, write _ for the item (found ${t.text} at position ${t.pos})`);
    }
    const [prefix, name, extra] = t.text.split('.');
    const found = item.properties.find((p) => p.toLowerCase() === name?.toLowerCase());
    if (prefix?.toLowerCase() !== item.prefix.toLowerCase() || !found || extra !== undefined) {
      throw fail(`inside ${scope.display} -any/-all, expected ${item.properties.map((p) => `${item.prefix}.${p}`).join(', ')} at position ${t.pos}, found ${t.text}`);
    }
    return { name: found, type: 'string', display: `${item.prefix}.${found}` };
  }

  private operator(t: Token, prop: Prop): Operator {
    const word = t.kind === 'op' ? t.word : t.kind === 'word' ? t.text.toLowerCase() : undefined;
    if (word === undefined || word === 'and' || word === 'or') throw this.unexpected(t, `an operator such as -eq after ${prop.display}`);
    if ((operators as readonly string[]).includes(word)) return word as Operator;
    const shown = t.kind === 'op' ? t.text : (t as { text: string }).text;
    if (word === 'not') throw fail(`-not at position ${t.pos} is not a comparison operator; write ${prop.display} -ne null, or -not (${prop.display} -eq "…")`);
    if (t.kind === 'op') throw fail(`unknown operator ${shown} at position ${t.pos}; operators are ${operatorList}`);
    throw this.unexpected(t, `an operator such as -eq after ${prop.display}`);
  }

  private enter(pos: number): void {
    if (++this.depth > membershipRuleLimits.maxDepth) throw fail(`the rule nests deeper than ${membershipRuleLimits.maxDepth} levels at position ${pos}`);
  }

  /** `-and` and `and` alike ("with or without the hyphen"). */
  private isOperator(t: Token, word: string): boolean {
    return (t.kind === 'op' && t.word === word) || (t.kind === 'word' && t.text.toLowerCase() === word);
  }

  private peek(): Token {
    return this.tokens[this.i] ?? this.tokens[this.tokens.length - 1]!;
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case 'eof': return 'the end of the rule';
      case 'op': return t.text;
      case 'word': return t.text;
      case 'string': return 'a quoted value';
      default: return `'${t.kind}'`;
    }
  }

  /** `expected` that ends with "after … at position n" puts the found token's position last. */
  private unexpected(t: Token, expected: string, hint = ''): StewardError {
    if (/ at position \d+$/.test(expected)) return fail(`expected ${expected}, found ${this.describe(t)} at position ${t.pos}${hint}`);
    return fail(`expected ${expected} at position ${t.pos}, found ${this.describe(t)}${hint}`);
  }
}

const duration = /^P(?!$)(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,4})D)?(?:T(?=\d)(?:(\d{1,4})H)?(?:(\d{1,4})M)?(?:(\d{1,4})S)?)?$/i;

function parseDuration(text: string): Duration | undefined {
  const m = duration.exec(text);
  if (!m) return undefined;
  const n = (k: number) => Number(m[k] ?? 0);
  return { years: n(1), months: n(2), days: n(3) * 7 + n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

const instant = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?(?:[Zz]|[+-]\d{2}:\d{2}))?$/;

/** A date (midnight UTC) or a datetime with a time zone, as epoch milliseconds. */
function parseInstant(text: string): number | undefined {
  const m = instant.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k] ?? 0)) as [number, number, number, number, number, number];
  const day = new Date(Date.UTC(2000, mo - 1, d));
  if (mo < 1 || mo > 12 || d < 1 || day.getUTCMonth() !== mo - 1 || (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)))) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.parse(m[4] === undefined ? `${text.slice(0, 10)}T00:00:00Z` : text.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}
