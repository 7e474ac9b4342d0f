// The syntax tree of an OData v4.01 $filter expression (OData v4.01 Part 2: URL Conventions,
// §5.1.1 "Built-in Filter Operations"). It is untyped on purpose: this layer knows the grammar,
// not the resources. src/core/query checks a tree against a resource's properties and turns it
// into a typed filter.

/** Character offsets are 0-based positions in the $filter text, for error messages. */
export type Position = number;

export type CompareOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type Literal =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  /**
   * An Edm.DateTimeOffset, written unquoted (ABNF rule dateTimeOffsetValue).
   * `text` is what the client wrote; `iso` is the same instant as Date#toISOString() (UTC,
   * milliseconds); `subMillisecond` says the text had a non-zero fraction beyond milliseconds
   * (Graph prints seven fractional digits, the store keeps three).
   */
  | { type: 'datetime'; text: string; iso: string; subMillisecond: boolean }
  /** An Edm.Date (2024-01-02); parsed so that a wrong use gets a precise error. */
  | { type: 'date'; text: string }
  /** An Edm.Guid written unquoted; Graph keys are strings, so this only feeds an error message. */
  | { type: 'guid'; text: string }
  /** A qualified enum literal, e.g. microsoft.graph.complianceState'compliant'. */
  | { type: 'enum'; typeName: string; value: string };

export type FilterNode =
  | { kind: 'and' | 'or'; operands: FilterNode[]; pos: Position }
  | { kind: 'not'; operand: FilterNode; pos: Position }
  | { kind: 'compare'; op: CompareOperator; left: FilterNode; right: FilterNode; pos: Position }
  | { kind: 'in'; operand: FilterNode; list: FilterNode[]; pos: Position }
  | { kind: 'call'; name: string; args: FilterNode[]; pos: Position }
  | { kind: 'property'; name: string; pos: Position }
  | { kind: 'literal'; literal: Literal; pos: Position };

/** Bounds against abuse; a request over them gets an error, never a deep recursion. */
export interface FilterLimits {
  /** Characters in the whole $filter text. */
  maxLength: number;
  /** Nesting of parentheses, `not`, function calls and `in` lists. */
  maxDepth: number;
  /** Values in one `in (…)` list. */
  maxInList: number;
}

export const defaultFilterLimits: FilterLimits = { maxLength: 4096, maxDepth: 32, maxInList: 200 };

/** A $filter or $orderby text that does not follow the grammar; the message names the position. */
export class ODataSyntaxError extends Error {
  override readonly name = 'ODataSyntaxError';
  constructor(message: string, readonly position: Position) {
    super(message);
  }
}

export const compareOperators: readonly CompareOperator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

/**
 * Every operator and keyword of the grammar, in lowercase. They are matched case-insensitively
 * ("4.01 Services MUST support case-insensitive operator names", §5.1.1), so none of them can be
 * a property name.
 */
export const keywords: ReadonlySet<string> = new Set([
  ...compareOperators, 'and', 'or', 'not', 'in', 'has', 'add', 'sub', 'mul', 'div', 'divby', 'mod',
  'true', 'false', 'null',
]);

/** OData's built-in functions (§5.1.1), so that an unsupported one is named as such, not as unknown. */
export const builtInFunctions: ReadonlySet<string> = new Set([
  'concat', 'contains', 'endswith', 'indexof', 'length', 'startswith', 'substring', 'matchespattern',
  'tolower', 'toupper', 'trim', 'day', 'date', 'fractionalseconds', 'hour', 'maxdatetime',
  'mindatetime', 'minute', 'month', 'now', 'second', 'time', 'totaloffsetminutes', 'totalseconds',
  'year', 'ceiling', 'floor', 'round', 'cast', 'isof', 'geo.distance', 'geo.intersects', 'geo.length',
  'hassubset', 'hassubsequence', 'case',
]);
