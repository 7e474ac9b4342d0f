import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IosCompliancePolicy, ManagedDevice } from './entities.generated.js';
import { complianceState } from './enums.generated.js';
import { baseTypes, derivedTypes, graphEnums, graphTypes, isA, propertiesOf, typeFromODataType } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const referenceDir = resolve(repoRoot, '../shared/reference/msgraph-metadata');
const generatedFiles = ['LICENSE-msgraph-metadata.txt', 'entities.generated.ts', 'enums.generated.ts'];

// Compile-time checks: the interfaces carry Graph's names and enum unions.
const device: ManagedDevice = { id: 'd1', deviceName: 'iPhone', complianceState: 'compliant', isEncrypted: true };
// @ts-expect-error 'bogus' is not a complianceState member
const badDevice: ManagedDevice = { complianceState: 'bogus' };
const policy: IosCompliancePolicy = { displayName: 'iOS baseline', passcodeRequired: true, version: 1 };

describe('generated Graph definitions', () => {
  it('types managedDevice.complianceState as the complianceState enum, in CSDL member order', () => {
    assert.ok(device && badDevice && policy);
    assert.deepEqual(graphTypes.managedDevice?.properties.complianceState,
      { type: 'enum:complianceState', collection: false, nullable: false });
    assert.deepEqual([...complianceState],
      ['unknown', 'compliant', 'noncompliant', 'conflict', 'error', 'inGracePeriod', 'configManager']);
    assert.equal(graphEnums.complianceState?.members, complianceState);
    assert.deepEqual(propertiesOf('managedDevice')?.id, { type: 'Edm.String', collection: false, nullable: false });
  });

  it('records inheritance, abstract types and @odata.type names', () => {
    assert.equal(graphTypes.iosCompliancePolicy?.base, 'deviceCompliancePolicy');
    assert.deepEqual(baseTypes('iosCompliancePolicy'), ['deviceCompliancePolicy', 'entity']);
    assert.equal(graphTypes.deviceCompliancePolicy?.abstract, true);
    assert.equal(graphTypes.deviceConfiguration?.abstract, true);
    assert.equal(graphTypes.user?.base, 'directoryObject');
    assert.equal(graphTypes.user?.open, true);
    assert.equal(isA('windows10CompliancePolicy', 'entity'), true);
    assert.equal(isA('windows10CompliancePolicy', 'deviceConfiguration'), false);
    assert.equal(typeFromODataType('#microsoft.graph.iosCompliancePolicy'), 'iosCompliancePolicy');
    assert.equal(typeFromODataType('#microsoft.graph.noSuchType'), undefined);
  });

  it('lists the derived types of a polymorphic base', () => {
    const compliance = derivedTypes('deviceCompliancePolicy');
    for (const t of ['iosCompliancePolicy', 'macOSCompliancePolicy', 'windows10CompliancePolicy', 'androidCompliancePolicy']) {
      assert.ok(compliance.includes(t), t);
    }
    assert.ok(!compliance.includes('deviceCompliancePolicy'));
    assert.ok(!compliance.includes('iosCustomConfiguration'));
    assert.deepEqual(compliance, [...compliance].sort());

    const configuration = derivedTypes('deviceConfiguration');
    for (const t of ['iosCustomConfiguration', 'windows10CustomConfiguration', 'macOSCustomConfiguration',
      'iosWiFiConfiguration', 'windowsWifiConfiguration', 'iosVpnConfiguration', 'windows10VpnConfiguration',
      'iosEasEmailProfileConfiguration', 'windows10EasEmailProfileConfiguration', 'iosTrustedRootCertificate',
      'iosScepCertificateProfile', 'windows81SCEPCertificateProfile', 'windows81TrustedRootCertificate']) {
      assert.ok(configuration.includes(t), t);
    }
    assert.deepEqual(derivedTypes('appleVpnConfiguration'), ['iosVpnConfiguration', 'macOSVpnConfiguration']);
    assert.ok(derivedTypes('managedDevice').includes('windowsManagedDevice'));
  });

  it('includes beta-only types and properties, marked, with their types unknown', () => {
    const wifi = graphTypes.iosWiFiConfiguration;
    assert.equal(wifi?.beta, true);
    assert.equal(wifi?.base, 'deviceConfiguration');
    assert.deepEqual(wifi?.properties.ssid, { type: 'unknown', collection: false, nullable: true, beta: true });
    assert.equal(propertiesOf('iosWiFiConfiguration')?.displayName?.type, 'Edm.String');
    assert.equal(graphTypes.windowsWifiConfiguration?.beta, true);
    assert.equal(graphTypes.deviceManagementConfigurationPolicy?.beta, true);
    assert.equal(graphTypes.roleScopeTag?.base, 'entity');
    // v1.0 properties are never marked beta.
    assert.equal(graphTypes.managedDevice?.properties.deviceName?.beta, undefined);
  });

  it('keeps navigation properties in the table only, and none for deviceManagement', () => {
    assert.deepEqual(graphTypes.managedDevice?.properties.deviceCategory,
      { type: 'entity:deviceCategory', collection: false, nullable: true, navigation: true });
    assert.equal(graphTypes.deviceCompliancePolicy?.properties.assignments?.type, 'entity:deviceCompliancePolicyAssignment');
    const dm = Object.values(graphTypes.deviceManagement?.properties ?? {});
    assert.ok(dm.length > 0);
    assert.ok(dm.every((p) => p.navigation === undefined));
  });

  it('is closed: every base, complex type and enum it names is in the tables', () => {
    for (const [name, type] of Object.entries(graphTypes)) {
      if (type.base !== undefined) assert.ok(graphTypes[type.base], `${name} base ${type.base}`);
      for (const [prop, p] of Object.entries(type.properties)) {
        const [kind, target = ''] = p.type.split(':');
        if (kind === 'complex') assert.equal(graphTypes[target]?.kind, 'complex', `${name}.${prop}`);
        if (kind === 'enum') assert.ok(graphEnums[target], `${name}.${prop}`);
        if (p.navigation) assert.ok(kind === 'entity' || (p.beta && kind === 'unknown'), `${name}.${prop}`);
      }
    }
    assert.deepEqual(graphTypes.deviceConfigurationAssignment?.properties.target,
      { type: 'complex:deviceAndAppManagementAssignmentTarget', collection: false, nullable: true });
    assert.ok(derivedTypes('deviceAndAppManagementAssignmentTarget').includes('groupAssignmentTarget'));
  });

  it('marks the generated files and ships the licence', () => {
    for (const f of ['entities.generated.ts', 'enums.generated.ts']) {
      assert.match(readFileSync(join(here, f), 'utf8'),
        /^\/\/ Generated by scripts\/gen-graph\.ts from Microsoft Graph metadata \(MIT, see LICENSE-msgraph-metadata\.txt\); do not edit\./);
    }
    assert.match(readFileSync(join(here, 'LICENSE-msgraph-metadata.txt'), 'utf8'), /^MIT License/);
  });

  const hasReference = existsSync(join(referenceDir, 'v1.0-cleanMetadata.xml'));
  it('matches a fresh run of the generator byte for byte', {
    skip: hasReference ? false : `no reference data at ${referenceDir}: cannot regenerate, checking the committed files only`,
  }, () => {
    const out = mkdtempSync(join(tmpdir(), 'steward-gen-graph-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-graph.ts', referenceDir, '--out', out],
        { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(run.status, 0, `gen-graph failed:\n${run.stderr}`);
      assert.deepEqual(readdirSync(out).sort(), generatedFiles);
      for (const f of generatedFiles) {
        assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(here, f))),
          `${f} differs from a fresh run: run npm run gen:graph and commit the result`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
