// Shapes of the generated Graph tables (entities.generated.ts, enums.generated.ts) and small
// helpers over them: inheritance, polymorphism (@odata.type) and property look-up.
import { graphTypes } from './entities.generated.js';
import { graphEnums } from './enums.generated.js';

/** 'Edm.String', 'enum:complianceState', 'complex:hardwareInformation', 'entity:deviceCategory' or 'unknown' (beta-only). */
export type GraphPropertyType = `Edm.${string}` | `enum:${string}` | `complex:${string}` | `entity:${string}` | 'unknown';

export interface GraphPropertyInfo {
  readonly type: GraphPropertyType;
  readonly collection: boolean;
  /** CSDL Nullable; for a collection it concerns the items. */
  readonly nullable: boolean;
  /** A navigation property: a relationship to other entities, not part of the entity's JSON body. */
  readonly navigation?: true;
  /** Present in Graph beta only: type is then 'unknown', and collection/nullable (false/true) are not known either. */
  readonly beta?: true;
}

export interface GraphTypeInfo {
  readonly kind: 'entity' | 'complex';
  /** Graph name of the base type ('entity', 'deviceConfiguration'). */
  readonly base?: string;
  readonly abstract?: true;
  /** An open type accepts properties beyond the declared ones. */
  readonly open?: true;
  /** The type exists in Graph beta only. */
  readonly beta?: true;
  /** Declared properties only; see propertiesOf for the inherited ones too. */
  readonly properties: Readonly<Record<string, GraphPropertyInfo>>;
}

export { graphTypes, graphEnums };

/** The type's ancestors, nearest first ('iosCompliancePolicy' → ['deviceCompliancePolicy', 'entity']). */
export function baseTypes(name: string): string[] {
  const out: string[] = [];
  for (let base = graphTypes[name]?.base; base !== undefined; base = graphTypes[base]?.base) out.push(base);
  return out;
}

/** Every known type deriving from base, directly or not, sorted by name; base itself is not included. */
export function derivedTypes(base: string): string[] {
  return Object.keys(graphTypes)
    .filter((name) => name !== base && baseTypes(name).includes(base))
    .sort();
}

/** Whether name is base or derives from it. */
export function isA(name: string, base: string): boolean {
  return name === base || baseTypes(name).includes(base);
}

/** Declared and inherited properties of a type, the most derived declaration winning; undefined for an unknown type. */
export function propertiesOf(name: string): Record<string, GraphPropertyInfo> | undefined {
  const type = graphTypes[name];
  if (!type) return undefined;
  const chain = [name, ...baseTypes(name)].reverse();
  const out: Record<string, GraphPropertyInfo> = {};
  for (const t of chain) Object.assign(out, graphTypes[t]?.properties);
  return out;
}

/** The Graph type name of an '@odata.type' value ('#microsoft.graph.iosCompliancePolicy' → 'iosCompliancePolicy'). */
export function typeFromODataType(odataType: string): string | undefined {
  const m = /^#?microsoft\.graph\.(.+)$/.exec(odataType);
  return m?.[1] !== undefined && graphTypes[m[1]] ? m[1] : undefined;
}
