// Home: device counts by platform, ownership and compliance (charts with tables as their text
// equivalents) and the set-up checklist, each item computed from the API.
import { Link } from 'react-router';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError, api, type GraphCollection } from '../../common/api.js';
import { PageHeader } from '../../common/layout.js';
import { Show, useLoad } from '../../common/load.js';
import { useSession } from '../../common/session.js';
import { pages } from '../routes.js';
import { DEVICES, OWNER_WORDS, READ_DEVICES, stateWords, type ManagedDevice } from '../devices-model.js';

type Counted = { name: string; count: number }[];
const PALETTE = ['#0b57d0', '#146c2e', '#b3261e', '#8a5300', '#6b3fa0', '#00687a', '#4f5966'];
const COMPLIANCE_COLOURS: Record<string, string> = { compliant: '#146c2e', noncompliant: '#b3261e', inGracePeriod: '#8a5300', unknown: '#4f5966', error: '#7a1d17', conflict: '#6b3fa0' };

function countBy<T>(items: readonly T[], key: (t: T) => string): Counted {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count);
}

function CountChart(props: { id: string; title: string; data: Counted; colours?: Record<string, string>; words?: (name: string) => string; link: (name: string) => string }) {
  const words = props.words ?? ((n: string) => n);
  const data = props.data.map((d) => ({ ...d, label: words(d.name) }));
  return (
    <section className="panel" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {data.length === 0 ? <p>No devices yet.</p> : (
        <>
          <div className="chart" aria-hidden="true">
            <ResponsiveContainer width="100%" height={Math.max(120, data.length * 36 + 30)}>
              <BarChart data={data} layout="vertical" margin={{ left: 8, right: 24, top: 4, bottom: 4 }} accessibilityLayer={false}>
                <CartesianGrid horizontal={false} />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="label" width={110} />
                <Tooltip />
                <Bar dataKey="count" name="Devices" isAnimationActive={false}>
                  {data.map((d, i) => <Cell key={d.name} fill={props.colours?.[d.name] ?? PALETTE[i % PALETTE.length]} />)}
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </div>
          <table className="compact">
            <caption className="sr-only">{props.title}</caption>
            <thead><tr><th scope="col">{props.title.replace(/^Devices by /, '').replace(/^./, (c) => c.toUpperCase())}</th><th scope="col">Devices</th></tr></thead>
            <tbody>{data.map((d) => <tr key={d.name}><td><Link to={props.link(d.name)}>{d.label}</Link></td><td>{d.count}</td></tr>)}</tbody>
          </table>
        </>
      )}
    </section>
  );
}

type Check = { state: 'done' | 'todo' | 'hidden'; detail: string };
const hiddenFor = (err: unknown): Check => {
  if (err instanceof ApiError && err.status === 403) return { state: 'hidden', detail: 'Your role cannot see this.' };
  throw err;
};
async function countOf(path: string): Promise<number> {
  const page = await api.get<GraphCollection<unknown>>(`${path}${path.includes('?') ? '&' : '?'}$top=1&$count=true`);
  return page['@odata.count'] ?? page.value.length;
}
async function countAll(path: string): Promise<number> {
  return (await api.all<unknown>(path)).length;
}
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

interface ChecklistItem { key: string; label: string; pagePaths: string[]; check: () => Promise<Check> }
const CHECKLIST: ChecklistItem[] = [
  {
    key: 'directory', label: 'Users and groups', pagePaths: ['users', 'groups'],
    check: async () => {
      const [users, groups] = await Promise.all([countOf('/v1.0/users'), countOf('/v1.0/groups')]);
      return { state: users > 1 && groups > 0 ? 'done' : 'todo', detail: `${plural(users, 'user')}, ${plural(groups, 'group')}.` };
    },
  },
  {
    key: 'licenses', label: 'Licenses assigned', pagePaths: ['licenses', 'users'],
    check: async () => {
      const skus = await api.all<{ skuPartNumber: string; consumedUnits: number }>('/v1.0/subscribedSkus');
      const used = skus.reduce((n, s) => n + s.consumedUnits, 0);
      return { state: used > 0 ? 'done' : 'todo', detail: used > 0 ? `${plural(used, 'license')} assigned.` : 'No user has an Intune license yet.' };
    },
  },
  {
    key: 'apns', label: 'Apple push certificate (APNs)', pagePaths: ['apple-push-certificate', 'tenant', 'settings'],
    check: async () => {
      try {
        const c = await api.get<{ expirationDateTime: string }>('/v1.0/deviceManagement/applePushNotificationCertificate');
        const expires = new Date(c.expirationDateTime);
        return expires.getTime() > Date.now()
          ? { state: 'done', detail: `Valid until ${expires.toLocaleDateString()}.` }
          : { state: 'todo', detail: `Expired on ${expires.toLocaleDateString()}: renew it.` };
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return { state: 'todo', detail: 'Not uploaded: Apple devices cannot enroll.' };
        throw err;
      }
    },
  },
  {
    key: 'enrollment', label: 'Enrollment profiles', pagePaths: ['enrollment-profiles', 'enrollment'],
    check: async () => { const n = await countAll('/v1.0/deviceManagement/enrollmentProfiles'); return { state: n > 0 ? 'done' : 'todo', detail: `${plural(n, 'profile')}.` }; },
  },
  {
    key: 'compliance', label: 'Compliance policies', pagePaths: ['compliance-policies', 'compliance'],
    check: async () => { const n = await countOf('/v1.0/deviceManagement/deviceCompliancePolicies'); return { state: n > 0 ? 'done' : 'todo', detail: `${plural(n, 'policy', 'policies')}.` }; },
  },
  {
    key: 'configuration', label: 'Configuration profiles', pagePaths: ['configuration-profiles', 'configuration'],
    check: async () => { const n = await countOf('/v1.0/deviceManagement/deviceConfigurations'); return { state: n > 0 ? 'done' : 'todo', detail: `${plural(n, 'profile')}.` }; },
  },
  {
    key: 'roles', label: 'Roles for other admins', pagePaths: ['roles'],
    check: async () => {
      // Assignments do not name their role (Graph): count the Intune Administrator's apart.
      const [definitions, assignments] = await Promise.all([
        api.all<{ id: string; displayName: string }>('/v1.0/deviceManagement/roleDefinitions'),
        api.all<{ id: string }>('/v1.0/deviceManagement/roleAssignments'),
      ]);
      const admin = definitions.find((d) => d.displayName === 'Intune Administrator');
      const adminAssignments = admin ? await api.all<{ id: string }>(`/v1.0/deviceManagement/roleDefinitions/${admin.id}/roleAssignments`) : [];
      const others = assignments.length - adminAssignments.length;
      return { state: others > 0 ? 'done' : 'todo', detail: others > 0 ? `${plural(others, 'role assignment')} besides Intune Administrator.` : 'Only Intune Administrators so far.' };
    },
  },
];

function ChecklistRow(props: { item: ChecklistItem }) {
  const result = useLoad(() => props.item.check().catch(hiddenFor), [props.item]);
  const page = pages.find((p) => props.item.pagePaths.includes(p.path));
  const state = result.status === 'ok' ? result.data.state : undefined;
  const mark = state === 'done' ? '✓' : state === 'todo' ? '!' : '–';
  const words = state === 'done' ? 'Done' : state === 'todo' ? 'To do' : state === 'hidden' ? 'Not visible' : result.status === 'error' ? 'Could not check' : 'Checking';
  return (
    <li className={state ?? 'unknown'} data-check={props.item.key}>
      <span className="mark" aria-hidden="true">{mark}</span>
      <span>
        <strong>{page ? <Link to={`/${page.path}`}>{props.item.label}</Link> : props.item.label}</strong>
        {' '}<span className={`badge ${state === 'done' ? 'ok' : state === 'todo' ? 'warn' : 'neutral'}`}>{words}</span>
        <span className="muted"> {result.status === 'ok' ? result.data.detail : result.status === 'error' ? result.message : ''}</span>
      </span>
    </li>
  );
}

export default function Dashboard() {
  const session = useSession();
  const canDevices = session.can(READ_DEVICES);
  const devices = useLoad(
    () => (canDevices ? api.all<Pick<ManagedDevice, 'id' | 'operatingSystem' | 'managedDeviceOwnerType' | 'complianceState'>>(`${DEVICES}?$select=id,operatingSystem,managedDeviceOwnerType,complianceState&$top=999`, { max: 50_000 }) : Promise.resolve([])),
    [canDevices],
  );
  return (
    <>
      <PageHeader title="Home" />
      {canDevices && (
        <Show loaded={devices} what="device counts">
          {(list) => (
            <>
              <p className="lead"><strong data-testid="device-total">{list.length}</strong> managed device{list.length === 1 ? '' : 's'}. <Link to="/devices">See all devices</Link></p>
              <div className="grid">
                <CountChart id="by-platform" title="Devices by platform" data={countBy(list, (d) => d.operatingSystem ?? 'Unknown')} link={(n) => `/devices?platform=${encodeURIComponent(n)}`} />
                <CountChart id="by-owner" title="Devices by ownership" data={countBy(list, (d) => d.managedDeviceOwnerType)} words={(n) => OWNER_WORDS[n] ?? n} link={(n) => `/devices?owner=${encodeURIComponent(n)}`} />
                <CountChart id="by-compliance" title="Devices by compliance" data={countBy(list, (d) => d.complianceState)} words={stateWords} colours={COMPLIANCE_COLOURS} link={(n) => `/devices?compliance=${encodeURIComponent(n)}`} />
              </div>
            </>
          )}
        </Show>
      )}
      <section className="panel" aria-labelledby="setup-h">
        <h2 id="setup-h">Set-up checklist</h2>
        <ul className="checklist">{CHECKLIST.map((item) => <ChecklistRow key={item.key} item={item} />)}</ul>
      </section>
    </>
  );
}
