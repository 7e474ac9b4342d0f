// Graph's assign action replaces an object's assignments: the same for compliance policies and
// configuration profiles. A target named twice counts once; every group must exist.
import { invalidInput } from '../errors.js';
import type { GroupStore } from '../directory/ports.js';
import type { AssignmentTarget, PolicyAssignment } from './targets.js';

/** The assignments `targets` give the object `ownerId`, with stable ids; refuses an unknown group by its id. */
export async function checkedAssignments(
  groups: Pick<GroupStore, 'getMany'>,
  ownerId: string,
  targets: readonly AssignmentTarget[],
): Promise<PolicyAssignment[]> {
  const seen = new Set<string>();
  const assignments: PolicyAssignment[] = [];
  for (const target of targets) {
    const key = 'groupId' in target ? `${target.kind}:${target.groupId}` : target.kind;
    if (seen.has(key)) continue;
    seen.add(key);
    assignments.push({ id: `${ownerId}_${key.replace(':', '_')}`, target });
  }
  const groupIds = [...new Set(assignments.flatMap((a) => ('groupId' in a.target ? [a.target.groupId] : [])))];
  const known = new Set((await groups.getMany(groupIds)).map((g) => g.id));
  const unknown = groupIds.find((g) => !known.has(g));
  if (unknown !== undefined) throw invalidInput(`assignments: no group has id '${unknown}'.`, 'assignments');
  return assignments;
}
