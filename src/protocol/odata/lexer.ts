// Tokens of the OData $filter and $orderby grammars (OData v4.01 Part 2 §5.1.1, and the ABNF
// "OData ABNF Construction Rules" for the literal forms). The query string has already been
// percent-decoded by the HTTP layer, so spaces are spaces here.
import { ODataSyntaxError, type Literal, type Position } from './filter-ast.js';

export type Token =
  | { kind: 'lparen' | 'rparen' | 'comma' | 'eof'; pos: Position }
  /** A name: a property, an operator, a function, true/false/null. May be dotted (qualified). */
  | { kind: 'ident'; text: string; pos: Position }
  | { kind: 'literal'; literal: Literal; pos: Position; end: Position };

const identifier = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const number = /-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const guid = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Za-z_])/y;
const date = /([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9A-Za-z_:.])/y;
// ABNF dateTimeOffsetValue: seconds and the fraction are optional; T and Z are case-insensitive
// there because ABNF quoted strings are (RFC 5234 §2.3). Years are limited to four digits.
const dateTime = /([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,12}))?)?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))(?![0-9A-Za-z_])/y;

/** Operators from other languages, answered with the OData spelling. */
const foreignOperators: readonly [string, string][] = [
  ['==', 'eq'], ['!=', 'ne'], ['<>', 'ne'], ['>=', 'ge'], ['<=', 'le'], ['&&', 'and'], ['||', 'or'],
  ['=', 'eq'], ['>', 'gt'], ['<', 'lt'], ['!', 'not'],
];

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') { i++; continue; }
    if (c === '(') { tokens.push({ kind: 'lparen', pos: i++ }); continue; }
    if (c === ')') { tokens.push({ kind: 'rparen', pos: i++ }); continue; }
    if (c === ',') { tokens.push({ kind: 'comma', pos: i++ }); continue; }
    if (c === "'") {
      const { value, end } = readQuoted(text, i);
      tokens.push({ kind: 'literal', literal: { type: 'string', value }, pos: i, end });
      i = end;
      continue;
    }
    const lexed = matchDateTime(text, i) ?? matchAt(guid, text, i, (m) => ({ type: 'guid', text: m[0] }))
      ?? matchAt(date, text, i, (m) => checkDate(m, i))
      ?? matchAt(number, text, i, (m) => ({ type: 'number', value: Number(m[0]) }));
    if (lexed) {
      tokens.push({ kind: 'literal', literal: lexed.literal, pos: i, end: lexed.end });
      i = lexed.end;
      continue;
    }
    identifier.lastIndex = i;
    const id = identifier.exec(text);
    if (id) {
      const end = i + id[0].length;
      if (text[end] === "'") {
        const token = typedLiteral(text, id[0], i);
        tokens.push(token);
        i = token.end;
      } else {
        tokens.push({ kind: 'ident', text: id[0], pos: i });
        i = end;
      }
      continue;
    }
    throw unexpectedCharacter(text, i);
  }
  tokens.push({ kind: 'eof', pos: text.length });
  return tokens;
}

/** A single-quoted string; '' stands for one quote (ABNF SQUOTE-in-string). */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const q = text.indexOf("'", i);
    if (q < 0) throw new ODataSyntaxError(`unterminated string starting at position ${start}; strings end with ' (write '' for a quote inside)`, start);
    value += text.slice(i, q);
    if (text[q + 1] === "'") { value += "'"; i = q + 2; continue; }
    return { value, end: q + 1 };
  }
}

/** name'value': an enum literal when the name is qualified (ABNF rule enum); duration'…' and the like otherwise. */
function typedLiteral(text: string, name: string, pos: Position): Extract<Token, { kind: 'literal' }> {
  const { value, end } = readQuoted(text, pos + name.length);
  if (!name.includes('.')) {
    throw new ODataSyntaxError(`${name}'…' literals are not supported at position ${pos}; a string is written in quotes alone, an enum value as 'value' or microsoft.graph.typeName'value'`, pos);
  }
  return { kind: 'literal', literal: { type: 'enum', typeName: name, value }, pos, end };
}

function matchAt(re: RegExp, text: string, pos: number, build: (m: RegExpExecArray) => Literal): { literal: Literal; end: number } | undefined {
  re.lastIndex = pos;
  const m = re.exec(text);
  return m ? { literal: build(m), end: pos + m[0].length } : undefined;
}

function matchDateTime(text: string, pos: number): { literal: Literal; end: number } | undefined {
  dateTime.lastIndex = pos;
  const m = dateTime.exec(text);
  if (!m) {
    if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt]/.test(text.slice(pos, pos + 11))) {
      throw new ODataSyntaxError(`the datetime at position ${pos} is incomplete: write it like 2024-01-02T03:04:05Z or 2024-01-02T03:04:05.123+02:00, with a time zone`, pos);
    }
    return undefined;
  }
  return { literal: dateTimeLiteral(m[0], pos), end: pos + m[0].length };
}

/**
 * Parses an OData dateTimeOffsetValue into the store's form. Exported for tests that build
 * literals; `pos` only feeds the error message.
 */
export function dateTimeLiteral(text: string, pos: Position = 0): Extract<Literal, { type: 'datetime' }> {
  dateTime.lastIndex = 0;
  const m = dateTime.exec(text);
  if (!m || m[0].length !== text.length) throw new ODataSyntaxError(`'${text}' at position ${pos} is not a datetime like 2024-01-02T03:04:05Z`, pos);
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] ?? '';
  checkCalendar(text, pos, year, month, day);
  if (hour > 23 || minute > 59 || second > 59) throw new ODataSyntaxError(`'${text}' at position ${pos} has a time of day out of range`, pos);
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) throw new ODataSyntaxError(`'${text}' at position ${pos} has a time-zone offset out of range`, pos);
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute - offsetMinutes, second, millis);
  const iso = d.toISOString();
  // An offset can push 0000-01-01 or 9999-12-31 out of the four-digit years that sort as text.
  if (!/^[0-9]{4}-/.test(iso)) throw new ODataSyntaxError(`'${text}' at position ${pos} is out of the supported range (years 0000 to 9999 in UTC)`, pos);
  return { type: 'datetime', text, iso, subMillisecond: /[1-9]/.test(fraction.slice(3)) };
}

function checkDate(m: RegExpExecArray, pos: Position): Literal {
  checkCalendar(m[0], pos, Number(m[1]), Number(m[2]), Number(m[3]));
  return { type: 'date', text: m[0] };
}

function checkCalendar(text: string, pos: Position, year: number, month: number, day: number): void {
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0) : 0;
  if (day < 1 || day > daysInMonth) throw new ODataSyntaxError(`'${text}' at position ${pos} is not a valid calendar date`, pos);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function unexpectedCharacter(text: string, pos: Position): ODataSyntaxError {
  for (const [op, odata] of foreignOperators) {
    if (text.startsWith(op, pos)) return new ODataSyntaxError(`'${op}' at position ${pos} is not an OData operator; write '${odata}'`, pos);
  }
  const c = text[pos]!;
  if (c === '"') return new ODataSyntaxError(`unexpected '"' at position ${pos}; OData strings use single quotes: 'text'`, pos);
  if (c === '/') return new ODataSyntaxError(`'/' at position ${pos}: paths into complex or navigation properties are not supported`, pos);
  if (c === '@') return new ODataSyntaxError(`'@' at position ${pos}: parameter aliases are not supported`, pos);
  if (c === '$') return new ODataSyntaxError(`'$' at position ${pos}: $it, $root and $this are not supported`, pos);
  const shown = /[\x21-\x7e]/.test(c) ? `'${c}'` : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return new ODataSyntaxError(`unexpected character ${shown} at position ${pos}`, pos);
}
