// Run as a child process with NODE_EXTRA_CA_CERTS pointing at Steward's CA: drives a running
// Steward with Microsoft's own Graph client, as an admin's script would, and prints what it saw.
import { Client, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';

const [baseUrl, token] = process.argv.slice(2);
if (!baseUrl || !token) throw new Error('usage: graph-client-script BASE_URL TOKEN');

const client = Client.initWithMiddleware({
  authProvider: { getAccessToken: () => Promise.resolve(token) },
  baseUrl,
  customHosts: new Set([new URL(baseUrl).hostname]),
});

interface GraphUser { id: string; userPrincipalName: string; department: string | null }

const created: GraphUser[] = [];
const departments = ['Sales', 'Engineering', 'Finance', 'Support'];
for (let i = 0; i < 500; i += 25) {
  const batch = await Promise.all(Array.from({ length: 25 }, (_, j) => client.api('/users').post({
    accountEnabled: true,
    displayName: `User ${String(i + j).padStart(3, '0')}`,
    mailNickname: `user${i + j}`,
    userPrincipalName: `user${i + j}@contoso.example`,
    department: departments[(i + j) % departments.length],
  }) as Promise<GraphUser>));
  created.push(...batch);
}

// Page through every user with @odata.nextLink, as PageIterator follows it.
const first = await client.api('/users').top(100).select(['id', 'userPrincipalName']).get() as PageCollection;
const paged: string[] = [];
let pages = 1;
const iterator = new PageIterator(client, first, (u: { id: string }) => { paged.push(u.id); return true; }, { headers: {} });
const originalNext = iterator.iterate.bind(iterator);
await originalNext();
pages += 0;
const nextLinks: string[] = [];
{
  // Count pages the plain way too, to see the nextLink shape the client follows.
  let page: PageCollection | undefined = first;
  while (page?.['@odata.nextLink']) {
    nextLinks.push(page['@odata.nextLink']);
    page = await client.api(page['@odata.nextLink']).get() as PageCollection;
    pages++;
  }
}

const sales = await client.api('/users').filter("department eq 'Sales'").count(true).top(999).get() as PageCollection & { '@odata.count': number };
const starts = await client.api('/users').filter("startswith(userPrincipalName,'user49')").orderby('userPrincipalName desc').get() as PageCollection;

const group = await client.api('/groups').post({ displayName: 'Pilot', mailEnabled: false, mailNickname: 'pilot', securityEnabled: true }) as { id: string };
for (const u of created.slice(0, 3)) {
  await client.api(`/groups/${group.id}/members/$ref`).post({ '@odata.id': `${baseUrl}/v1.0/directoryObjects/${u.id}` });
}
const members = await client.api(`/groups/${group.id}/members`).get() as PageCollection;

let duplicateError: { statusCode?: number; code?: string } = {};
try {
  await client.api(`/groups/${group.id}/members/$ref`).post({ '@odata.id': `${baseUrl}/v1.0/directoryObjects/${created[0]!.id}` });
} catch (err) {
  const e = err as { statusCode?: number; code?: string };
  duplicateError = { statusCode: e.statusCode, code: e.code };
}

process.stdout.write(JSON.stringify({
  created: created.length,
  paged: paged.length,
  pagedUnique: new Set(paged).size,
  pages,
  nextLinks,
  salesCount: sales['@odata.count'],
  salesValues: sales.value.length,
  salesAllSales: sales.value.every((u: GraphUser) => u.department === 'Sales'),
  startsWith: starts.value.map((u: GraphUser) => u.userPrincipalName),
  members: members.value.map((m: { id: string; '@odata.type': string }) => ({ id: m.id, type: m['@odata.type'] })),
  expectedMembers: created.slice(0, 3).map((u) => u.id),
  duplicateError,
}));
