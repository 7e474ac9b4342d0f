// A device's answer to a profile's command moves the profile's state on that device:
//   Apple    InstallProfile Acknowledged → succeeded; Error → error with the ErrorChain in words
//   Windows  every node's SyncML status a success → succeeded; otherwise error, each failing node
//            named in settingStates with its status code and description (syncml-status.ts)
// Only while the command is still the one carrying the profile: an answer to an older version
// never overwrites a newer one. NotNow changes nothing (the command comes again).
// A removal's answer (RemoveProfile, Delete) ends the profile's state on the device: confirmed, or
// the profile or nodes were not there any more, the state goes; refused, it becomes removalFailed
// with the device's words (Apple's ErrorChain as a setting state naming the profile's identifier,
// each refused node with its SyncML status), and reconcile sends the removal again a day later.
import type { Clock } from '../clock.js';
import type { CommandReport } from '../commands/answer-connect.js';
import type { CommandErrorDetail, CommandResult, QueuedCommand } from '../commands/ports.js';
import { windowsResponseOf } from '../windows/command-answer.js';
import { parseWindowsCommand, WindowsCommandError, type WindowsCommandPayload } from '../windows/command-payload.js';
import { describeSyncmlStatus, isSyncmlSuccess } from '../../protocol/windows/syncml-status.js';
import type { ConfigurationDeliveryStore, ConfigurationDeviceState, DeliverySettingState } from './delivery-ports.js';

export interface DeliveryResultDeps {
  configurationDelivery: Pick<ConfigurationDeliveryStore, 'byCommand' | 'report' | 'removed'>;
  clock: Clock;
}

/** Commands that may carry a profile: the rest (inventory Gets, remote actions) are not looked up. */
function mayCarryProfile(command: QueuedCommand): boolean {
  if (command.platform === 'apple') return command.requestType === 'InstallProfile' || command.requestType === 'RemoveProfile';
  return /^(Add|Replace|Exec|Atomic|Delete)\b/.test(command.requestType);
}

function payloadOf(command: QueuedCommand): WindowsCommandPayload | undefined {
  try {
    return parseWindowsCommand(command.payload);
  } catch (err) {
    if (err instanceof WindowsCommandError) return undefined;
    throw err;
  }
}

/** The nodes of a command, or of an Atomic's child commands of one verb. */
function itemsOf(payload: WindowsCommandPayload | undefined, child: string | undefined): string[] {
  if (!payload) return [];
  if (payload.verb !== 'Atomic') return payload.items.map((i) => i.target);
  return payload.commands.filter((c) => c.verb === child).flatMap((c) => c.items.map((i) => i.target));
}

function describeChain(chain: readonly CommandErrorDetail[]): string {
  const parts = chain.map((e) => [e.description, e.domain !== undefined || e.code !== undefined ? `(${[e.domain, e.code].filter((x) => x !== undefined).join(' ')})` : ''].filter(Boolean).join(' '));
  return parts.filter((p) => p !== '').join('; ') || 'The device refused the profile without saying why.';
}

export async function recordConfigurationAnswer(deps: DeliveryResultDeps, command: QueuedCommand, report: CommandReport): Promise<void> {
  if (report.result.status === 'not-now' || !mayCarryProfile(command)) return;
  const state = await deps.configurationDelivery.byCommand(command.uuid);
  if (!state) return;
  if (state.status === 'removing') { await recordRemoval(deps, command, report.result, state); return; }
  const kept = state.settingStates.filter((s) => s.state !== 'error');
  const at = deps.clock.now().toISOString();
  if (report.result.status === 'acknowledged') {
    await deps.configurationDelivery.report(command.uuid, { status: 'succeeded', errorDetail: null, settingStates: kept, lastReportedDateTime: at });
    return;
  }
  const chain = report.result.status === 'error' ? report.result.errorChain : [{ description: 'The device could not read the command (CommandFormatError).' }];
  const errors: DeliverySettingState[] = [];
  if (command.platform === 'windows') {
    const source = kept[0]?.sources ?? [{ id: state.configurationId, displayName: '' }];
    const payload = payloadOf(command);
    for (const s of windowsResponseOf(report.result.response)?.statuses ?? []) {
      // 216: rolled back with its Atomic, not refused itself; the Atomic's own 507 names no node.
      if (isSyncmlSuccess(s.code) || s.code === '216' || (payload?.verb === 'Atomic' && s.child === undefined)) continue;
      // A Status without TargetRef answers every item of its command alike (OMA-SyncMLRP Status).
      const targets = s.target !== undefined ? [s.target] : itemsOf(payload, s.child);
      for (const target of targets) {
        errors.push({
          setting: target, settingName: target.split('/').filter(Boolean).pop() ?? target, state: 'error',
          errorCode: Number(s.code) || 0, errorDescription: describeSyncmlStatus(s.code), currentValue: null, sources: source.map((x) => ({ id: x.id, displayName: x.displayName })),
        });
      }
    }
  }
  await deps.configurationDelivery.report(command.uuid, { status: 'error', errorDetail: describeChain(chain), settingStates: [...kept, ...errors], lastReportedDateTime: at });
}

/**
 * Profiles already gone count as removed: Apple's "profile not found" (macOS MDMClientError 89, as
 * fleetdm/fleet treats it; MCProfileErrorDomain 1003 as the simulator answers, sim/README.md) and
 * SyncML 404 for a node (the PC has no such node).
 */
function alreadyGone(command: QueuedCommand, result: Exclude<CommandResult, { status: 'acknowledged' | 'not-now' }>): boolean {
  if (command.platform === 'apple') {
    return result.status === 'error' && result.errorChain.some((e) => (e.domain === 'MDMClientError' && e.code === 89) || (e.domain === 'MCProfileErrorDomain' && e.code === 1003));
  }
  const statuses = windowsResponseOf(result.response)?.statuses ?? [];
  return statuses.length > 0 && statuses.every((s) => isSyncmlSuccess(s.code) || s.code === '404');
}

async function recordRemoval(deps: DeliveryResultDeps, command: QueuedCommand, result: Exclude<CommandResult, { status: 'not-now' }>, state: ConfigurationDeviceState): Promise<void> {
  if (result.status === 'acknowledged' || alreadyGone(command, result)) { await deps.configurationDelivery.removed(command.uuid); return; }
  const chain = result.status === 'error' ? result.errorChain : [{ description: 'The device could not read the command (CommandFormatError).' }];
  const detail = describeChain(chain);
  const source = [{ id: state.configurationId, displayName: '' }];
  const errors: DeliverySettingState[] = [];
  if (command.platform === 'windows') {
    const payload = payloadOf(command);
    for (const s of windowsResponseOf(result.response)?.statuses ?? []) {
      if (isSyncmlSuccess(s.code) || s.code === '404') continue;
      for (const target of s.target !== undefined ? [s.target] : itemsOf(payload, s.child)) {
        errors.push({ setting: target, settingName: target.split('/').filter(Boolean).pop() ?? target, state: 'error', errorCode: Number(s.code) || 0, errorDescription: describeSyncmlStatus(s.code), currentValue: null, sources: source });
      }
    }
  } else if (state.removal?.platform === 'apple') {
    const first = chain.find((e) => e.code !== undefined);
    errors.push({ setting: state.removal.identifier, settingName: 'RemoveProfile', state: 'error', errorCode: first?.code ?? 0, errorDescription: detail, currentValue: null, sources: source });
  }
  await deps.configurationDelivery.report(command.uuid, { status: 'removalFailed', errorDetail: detail, settingStates: errors, lastReportedDateTime: deps.clock.now().toISOString() });
}
