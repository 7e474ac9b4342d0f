// Records what requests change, in the audit log, with the actor taken from the request.
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { AuditLog } from '../core/audit/ports.js';
import type { AuditCategory, AuditOperationType, AuditResult } from '../core/audit/audit-event.js';
import { actorOf, otherActor, recordChange, type ResourceChange } from '../core/audit/record-change.js';

export interface ChangeNote {
  activity: string;
  category: AuditCategory;
  operation: AuditOperationType;
  result?: AuditResult;
  resource: ResourceChange;
}

export interface AuditTrail {
  change(req: FastifyRequest, note: ChangeNote): Promise<void>;
  /** A request refused for lack of rights, or a failed sign-in. */
  refused(req: FastifyRequest, activity: string, detail: { name?: string; reason: string }): Promise<void>;
}

export function auditTrail(deps: { audit: AuditLog; clock: Clock }): AuditTrail {
  const actor = (req: FastifyRequest) => req.principal
    ? actorOf(req.principal, { ipAddress: req.ip })
    : otherActor('EndUser', { ipAddress: req.ip });
  return {
    change: (req, note) => recordChange(deps, { ...note, actor: actor(req), correlationId: req.id }),
    refused: (req, activity, detail) => recordChange(deps, {
      actor: req.principal ? actor(req) : otherActor('EndUser', { ipAddress: req.ip, userPrincipalName: detail.name ?? null }),
      activity,
      category: 'Other',
      operation: 'Action',
      result: 'Failure',
      correlationId: req.id,
      resources: [{ type: 'Request', id: null, displayName: `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0] ?? ''}`, after: { reason: detail.reason } }],
    }),
  };
}
