import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isResourceOperation, resourceOperationById, resourceOperations, stewardExtensionOperations,
} from './resource-operations.js';
import { builtInRoleById, builtInRoleByName, builtInRoles, type RoleDefinitionData } from './built-in-roles.js';

function role(name: string): RoleDefinitionData {
  const found = builtInRoleByName(name);
  assert.ok(found, `no built-in role named ${name}`);
  return found;
}

describe('resource operations catalogue', () => {
  it('has unique ids in Intune\'s Microsoft.Intune_<Resource>_<Action> form', () => {
    const ids = resourceOperations.map((o) => o.id);
    assert.equal(new Set(ids).size, ids.length, `duplicates: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(', ')}`);
    for (const id of ids) assert.match(id, /^Microsoft\.Intune_[A-Za-z]+_[A-Za-z]+$/);
  });

  it('names every operation and describes it', () => {
    for (const o of resourceOperations) {
      assert.ok(o.resourceName.length > 0 && o.actionName.length > 0 && o.description.length > 0, o.id);
    }
  });

  it('keeps Intune\'s spelling of the ids scripts send', () => {
    for (const id of [
      'Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_RemoteTasks_RemoteLock',
      'Microsoft.Intune_DeviceConfigurations_Assign', 'Microsoft.Intune_DeviceCompliancePolices_Create',
      'Microsoft.Intune_Audit_Read', 'Microsoft.Intune_Roles_Assign', 'Microsoft.Intune_Organization_Update',
    ]) assert.ok(isResourceOperation(id), id);
    assert.equal(isResourceOperation('Microsoft.Intune_DeviceCompliancePolicies_Create'), false);
    assert.equal(resourceOperationById('Microsoft.Intune_RemoteTasks_ResetPasscode')?.resourceName, 'Remote tasks');
  });

  it('marks the Steward extensions and scope-validates device actions', () => {
    for (const id of [
      'Microsoft.Intune_Users_Read', 'Microsoft.Intune_Users_Create', 'Microsoft.Intune_Users_Update', 'Microsoft.Intune_Users_Delete',
      'Microsoft.Intune_Groups_Read', 'Microsoft.Intune_Groups_Create', 'Microsoft.Intune_Groups_Update', 'Microsoft.Intune_Groups_Delete',
      'Microsoft.Intune_Licenses_Assign',
      'Microsoft.Intune_ApiClients_Read', 'Microsoft.Intune_ApiClients_Create', 'Microsoft.Intune_ApiClients_Delete',
    ] as const) {
      assert.ok(stewardExtensionOperations.has(id), id);
      assert.ok(isResourceOperation(id), id);
    }
    assert.equal(resourceOperationById('Microsoft.Intune_RemoteTasks_Wipe')?.enabledForScopeValidation, true);
    assert.equal(resourceOperationById('Microsoft.Intune_Roles_Create')?.enabledForScopeValidation, false);
  });
});

describe('built-in roles', () => {
  it('grant only operations in the catalogue, each once', () => {
    for (const r of builtInRoles) {
      const unknown = r.allowed.filter((id) => !isResourceOperation(id));
      assert.deepEqual(unknown, [], `${r.displayName} grants unknown operations`);
      assert.equal(new Set(r.allowed).size, r.allowed.length, `${r.displayName} lists an operation twice`);
      assert.ok(r.isBuiltIn);
    }
  });

  it('have unique ids and names, found by name ignoring case and by id', () => {
    assert.equal(new Set(builtInRoles.map((r) => r.id)).size, builtInRoles.length);
    assert.equal(new Set(builtInRoles.map((r) => r.displayName.toLowerCase())).size, builtInRoles.length);
    assert.equal(builtInRoleByName('help desk operator')?.id, '9e0cc482-82df-4ab2-a24c-0c23a3f52e1e');
    assert.equal(builtInRoleByName('Policy and Profile Manager')?.id, '0bd113fe-6be5-400c-a28f-ae5553f9c0be');
    assert.equal(builtInRoleByName('Intune Service Administrator'), undefined);
    assert.equal(builtInRoleById('FA1D7878-E8CB-41A1-8254-0142355C9F84')?.displayName, 'Read Only Operator');
    for (const name of [
      'Intune Administrator', 'Policy and Profile Manager', 'Help Desk Operator', 'Read Only Operator',
      'Application Manager', 'Intune Role Administrator', 'School Administrator', 'Endpoint Security Manager',
    ]) role(name);
  });

  it('Intune Administrator has every operation', () => {
    const admin = new Set(role('Intune Administrator').allowed);
    assert.deepEqual(resourceOperations.filter((o) => !admin.has(o.id)).map((o) => o.id), []);
  });

  it('Read Only Operator only reads', () => {
    // Read-style: an action named Read…/View…, plus Microsoft's one exception, reading a Mac's
    // FileVault key (a read, though Intune files it under remote tasks).
    const readStyle = (id: string) => {
      const op = resourceOperationById(id);
      return op !== undefined && (/^(Read|View)\b/i.test(op.actionName) || id === 'Microsoft.Intune_RemoteTasks_GetFileVaultKey');
    };
    const allowed = role('Read Only Operator').allowed;
    assert.deepEqual(allowed.filter((id) => !readStyle(id)), []);
    for (const id of ['Microsoft.Intune_ManagedDevices_Read', 'Microsoft.Intune_ManagedDevices_ViewReports',
      'Microsoft.Intune_Users_Read', 'Microsoft.Intune_Groups_Read', 'Microsoft.Intune_Audit_Read'] as const) {
      assert.ok(allowed.includes(id), id);
    }
    assert.ok(!allowed.some((id) => /_(Create|Update|Delete|Assign|Modify|Wipe)$/.test(id)));
  });

  it('Help Desk Operator runs remote tasks but deletes nothing', () => {
    const allowed = role('Help Desk Operator').allowed;
    for (const id of [
      'Microsoft.Intune_RemoteTasks_RemoteLock', 'Microsoft.Intune_RemoteTasks_ResetPasscode',
      'Microsoft.Intune_RemoteTasks_Wipe', 'Microsoft.Intune_RemoteTasks_Retire', 'Microsoft.Intune_RemoteTasks_SyncDevice',
      'Microsoft.Intune_RemoteTasks_RebootNow', 'Microsoft.Intune_ManagedDevices_Read',
      'Microsoft.Intune_Users_Read', 'Microsoft.Intune_Groups_Read',
    ] as const) assert.ok(allowed.includes(id), id);
    assert.deepEqual(allowed.filter((id) => id.endsWith('_Delete')), []);
    assert.ok(!allowed.includes('Microsoft.Intune_DeviceConfigurations_Update'));
    assert.ok(!allowed.includes('Microsoft.Intune_Users_Update'));
  });

  it('Intune Role Administrator manages roles', () => {
    const allowed = role('Intune Role Administrator').allowed;
    for (const action of ['Read', 'Create', 'Update', 'Delete', 'Assign']) {
      assert.ok(allowed.includes(`Microsoft.Intune_Roles_${action}`), action);
    }
    assert.ok(!allowed.some((id) => id.startsWith('Microsoft.Intune_RemoteTasks_')));
  });

  it('only Intune Administrator creates users, assigns licences or manages API clients', () => {
    for (const r of builtInRoles) {
      if (r.displayName === 'Intune Administrator') continue;
      for (const id of ['Microsoft.Intune_Users_Create', 'Microsoft.Intune_Users_Delete', 'Microsoft.Intune_Licenses_Assign',
        'Microsoft.Intune_ApiClients_Create', 'Microsoft.Intune_ApiClients_Delete'] as const) {
        assert.ok(!r.allowed.includes(id), `${r.displayName} has ${id}`);
      }
    }
  });
});
