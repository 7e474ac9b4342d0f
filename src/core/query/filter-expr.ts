// A $filter after type checking against a ResourceSchema: property names are the schema's and
// values have the property's type. Null follows OData (v4.01 Part 2 §5.1.1): comparisons are
// two-valued (`null eq null` is true, `null ne 'x'` true, `null gt 5` false), while a string
// function of a null value is null, and and/or/not treat that null as SQL does (three-valued),
// so neither `contains(x,'a')` nor `not contains(x,'a')` matches a row whose x is null.
// The store turns this into SQL; core/query/testing.ts evaluates it in JS as the oracle.

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
