// A $filter after type checking against a ResourceSchema: property names are the schema's,
// values have the property's type, and every node means exactly what it says in two-valued
// logic (OData semantics: `null eq null` is true, `null ne 'x'` is true, `null gt 5` is false,
// OData v4.01 Part 2 §5.1.1.1). The store turns this into SQL; tests evaluate it in JS.

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/**
 * The value of a property: strings and enum members as text, numbers as integers, booleans as
 * booleans, datetimes as Date#toISOString() text (UTC, milliseconds).
 */
export type FilterValue = string | number | boolean;

export type FilterExpr =
  | { kind: 'and' | 'or'; operands: readonly FilterExpr[] }
  | { kind: 'not'; operand: FilterExpr }
  /** `value: null` only with eq/ne, on a nullable property. */
  | { kind: 'compare'; property: string; op: CompareOp; value: FilterValue | null }
  /** Non-empty, distinct, non-null values. */
  | { kind: 'in'; property: string; values: readonly FilterValue[] }
  /** Case-insensitive for ASCII letters (A–Z), exact for every other character. */
  | { kind: 'match'; fn: 'startswith' | 'endswith' | 'contains'; property: string; value: string }
  /** What a comparison folds to when its answer does not depend on the row (e.g. `size eq 1.5`). */
  | { kind: 'constant'; value: boolean };
