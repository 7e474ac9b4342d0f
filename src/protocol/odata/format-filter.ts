// Writes a $filter tree back as text that parseFilter reads as the same tree (positions aside):
// for links and for the round-trip tests. Nested and/or get parentheses.
import type { FilterNode, Literal } from './filter-ast.js';

export function formatFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.operands.map((o) => (o.kind === 'and' || o.kind === 'or' ? `(${formatFilter(o)})` : formatFilter(o))).join(` ${node.kind} `);
    case 'not':
      return `not ${node.operand.kind === 'and' || node.operand.kind === 'or' ? `(${formatFilter(node.operand)})` : formatFilter(node.operand)}`;
    case 'compare':
      return `${operand(node.left)} ${node.op} ${operand(node.right)}`;
    case 'in':
      return `${operand(node.operand)} in (${node.list.map(formatFilter).join(', ')})`;
    case 'call':
      return `${node.name}(${node.args.map(formatFilter).join(', ')})`;
    case 'property':
      return node.name;
    case 'literal':
      return formatLiteral(node.literal);
  }
}

/** An operand of a comparison: anything but a property, literal or call needs parentheses. */
function operand(node: FilterNode): string {
  const text = formatFilter(node);
  return node.kind === 'property' || node.kind === 'literal' || node.kind === 'call' ? text : `(${text})`;
}

export function formatLiteral(literal: Literal): string {
  switch (literal.type) {
    case 'string':
      return quote(literal.value);
    case 'number':
      return formatNumber(literal.value);
    case 'boolean':
      return String(literal.value);
    case 'null':
      return 'null';
    case 'datetime':
    case 'date':
    case 'guid':
      return literal.text;
    case 'enum':
      return `${literal.typeName}${quote(literal.value)}`;
  }
}

/** A single-quoted OData string; a quote inside is doubled. */
export function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function formatNumber(value: number): string {
  // String() gives the shortest text that reads back as the same double ("1e+21" included).
  return String(value);
}
