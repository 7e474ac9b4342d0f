// @odata.type on polymorphic resources, accepted with and without the leading '#'.
import { invalidInput } from '../../core/errors.js';

export function normalizeODataType(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalidInput('@odata.type must be a string such as #microsoft.graph.iosCompliancePolicy.', '@odata.type');
  return value.startsWith('#') ? value : `#${value}`;
}

/** The body's @odata.type, which must be one of `allowed` (given with '#'). */
export function requireODataType<T extends string>(body: Record<string, unknown>, allowed: readonly T[]): T {
  const given = normalizeODataType(body['@odata.type']);
  if (given === undefined) throw invalidInput(`@odata.type is required: one of ${allowed.join(', ')}.`, '@odata.type');
  const match = allowed.find((a) => a.toLowerCase() === given.toLowerCase());
  if (!match) throw invalidInput(`@odata.type ${given} is not supported here; expected one of ${allowed.join(', ')}.`, '@odata.type');
  return match;
}

export function withODataType<T extends object>(odataType: string, value: T): T & { '@odata.type': string } {
  return { '@odata.type': odataType, ...value };
}
