// $orderby (OData v4.01 Part 2 §5.1.4): a comma-separated list of `property [asc|desc]`.
// Steward sorts by properties only, not by expressions. "4.01 services MUST support
// case-insensitive values for asc and desc" (same section), so DESC is desc.
import { ODataSyntaxError, type Position } from './filter-ast.js';
import { tokenize } from './lexer.js';

export interface OrderByItem {
  property: string;
  direction: 'asc' | 'desc';
  pos: Position;
}

export function parseOrderBy(text: string, maxLength = 1024): OrderByItem[] {
  if (text.length > maxLength) throw new ODataSyntaxError(`the list is ${text.length} characters long; the limit is ${maxLength}`, maxLength);
  if (text.trim() === '') throw new ODataSyntaxError('the list is empty', 0);
  const tokens = tokenize(text);
  const items: OrderByItem[] = [];
  let i = 0;
  for (;;) {
    const name = tokens[i++]!;
    if (name.kind !== 'ident') {
      throw new ODataSyntaxError(`expected a property name at position ${name.pos}${name.kind === 'eof' ? ', found the end of the list' : ''}`, name.pos);
    }
    if (name.text.includes('.')) {
      throw new ODataSyntaxError(`'${name.text}' at position ${name.pos}: qualified names and type casts are not supported`, name.pos);
    }
    let next = tokens[i]!;
    if (next.kind === 'lparen') {
      throw new ODataSyntaxError(`'${name.text}(…)' at position ${name.pos}: sorting by an expression is not supported, only by a property`, name.pos);
    }
    let direction: 'asc' | 'desc' = 'asc';
    if (next.kind === 'ident') {
      const word = next.text.toLowerCase();
      if (word === 'asc' || word === 'desc') {
        direction = word;
        next = tokens[++i]!;
      }
    }
    items.push({ property: name.text, direction, pos: name.pos });
    if (next.kind === 'eof') return items;
    if (next.kind !== 'comma') {
      const found = next.kind === 'ident' ? `'${next.text}'` : next.kind === 'literal' ? 'a value' : `'${next.kind === 'lparen' ? '(' : ')'}'`;
      throw new ODataSyntaxError(`expected 'asc', 'desc', ',' or the end of the list at position ${next.pos}, found ${found}`, next.pos);
    }
    i++;
  }
}
