// Decodes a JSON request body with a zod schema into a typed core input. Graph refuses unknown
// properties, and so does Steward: a message names the property and what was wrong with it.
import { z } from 'zod';
import { invalidInput } from '../../core/errors.js';

export function decodeBody<T>(schema: z.ZodType<T>, body: unknown, typeName: string): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidInput(`The request body must be a JSON object (a ${typeName}).`);
  }
  // Clients send @odata.type and annotations; they are checked by the route where they matter.
  const clean = Object.fromEntries(Object.entries(body).filter(([k]) => !k.startsWith('@odata.') && !k.includes('@odata.')));
  const result = schema.safeParse(clean);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw invalidInput(`The request body is not a valid ${typeName}.`);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const where = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
    throw invalidInput(`Property '${where}${key}' does not exist on ${typeName} or cannot be written.`, `${where}${key}`);
  }
  const path = issue.path.join('.');
  throw invalidInput(`${path || 'body'}: ${issue.message}`, path || undefined);
}

/** Optional nullable string of at most `max` characters. */
export const optText = (max = 256) => z.string().max(max, `must be at most ${max} characters`).nullable().optional();
