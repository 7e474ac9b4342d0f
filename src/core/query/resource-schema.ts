// What a Graph-style collection exposes to $filter, $orderby and $select: its properties, their
// types and the columns that hold them. One schema per resource (managedDevice, user, …); the
// store reads column names only from here, never from the request.

/**
 * - string: text, compared as text (binary order on both dialects).
 * - number: an integer column (BIGINT); values within ±2^53.
 * - boolean: stored as 0/1.
 * - datetime: ISO-8601 UTC text with milliseconds (Date#toISOString), which sorts as text.
 * - enum: text holding one of the members. `name` is the Graph type name (complianceState),
 *   used to check qualified literals such as microsoft.graph.complianceState'compliant'.
 */
export type PropertyType = 'string' | 'number' | 'boolean' | 'datetime' | { enum: readonly string[]; name?: string };

export interface PropertyDef {
  type: PropertyType;
  column: string;
  nullable: boolean;
  /** Usable in $filter; default true. */
  filterable?: boolean;
  /** Usable in $orderby; default true. */
  sortable?: boolean;
}

export interface ResourceSchema {
  /** The Graph type name, e.g. 'managedDevice', used in messages. */
  name: string;
  /** The property that identifies a row ('id'): unique, not null, the final sort key. */
  key: string;
  properties: Readonly<Record<string, PropertyDef>>;
}

export function isFilterable(def: PropertyDef): boolean {
  return def.filterable !== false;
}

export function isSortable(def: PropertyDef): boolean {
  return def.sortable !== false;
}

/** Describes a type for messages: "a string", "an enum (compliant, …)". */
export function describeType(type: PropertyType): string {
  if (typeof type === 'object') return `an enum (${type.enum.join(', ')})`;
  switch (type) {
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'boolean': return 'a boolean';
    case 'datetime': return 'a datetime';
  }
}

/**
 * Finds a property by its exact name, or else by its only case-insensitive match, as Microsoft
 * Graph resolves `$select=DeviceName`. Returns the schema's spelling.
 */
export function findProperty(schema: ResourceSchema, name: string): { name: string; def: PropertyDef } | undefined {
  const exact = Object.hasOwn(schema.properties, name) ? schema.properties[name] : undefined;
  if (exact) return { name, def: exact };
  const lower = name.toLowerCase();
  const matches = Object.keys(schema.properties).filter((p) => p.toLowerCase() === lower);
  if (matches.length !== 1) return undefined;
  return { name: matches[0]!, def: schema.properties[matches[0]!]! };
}

/** Checks a schema once, when it is defined: a broken schema is a programming error. */
export function defineResourceSchema<S extends ResourceSchema>(schema: S): S {
  const key = schema.properties[schema.key];
  if (!key) throw new Error(`resource schema ${schema.name}: key '${schema.key}' is not a property`);
  if (key.nullable) throw new Error(`resource schema ${schema.name}: key '${schema.key}' must not be nullable`);
  if (typeof key.type === 'object' || key.type === 'boolean') throw new Error(`resource schema ${schema.name}: key '${schema.key}' must be a string, number or datetime`);
  const columns = new Set<string>();
  for (const [name, def] of Object.entries(schema.properties)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(def.column)) throw new Error(`resource schema ${schema.name}: column '${def.column}' of ${name} is not a plain identifier`);
    if (columns.has(def.column)) throw new Error(`resource schema ${schema.name}: column '${def.column}' is used twice`);
    columns.add(def.column);
    if (typeof def.type === 'object' && def.type.enum.length === 0) throw new Error(`resource schema ${schema.name}: enum ${name} has no members`);
  }
  return schema;
}
