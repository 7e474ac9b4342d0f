// The portal's frame: the session gate (the shared sign-in page), the layout and its two pages.
import { BrowserRouter, Route, Routes } from 'react-router';
import { Layout, PageHeader } from '../common/layout.js';
import { SessionProvider } from '../common/session.js';
import { Enroll } from './enroll.js';
import { MyDevices } from './my-devices.js';
import { PRODUCT } from './product.js';


function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" product={PRODUCT} />
      <p>There is no page at this address. Go to <a href="/portal">your devices</a>.</p>
    </>
  );
}

export function PortalApp() {
  return (
    <BrowserRouter basename="/portal">
      <SessionProvider product={PRODUCT}>
        <Layout product={PRODUCT} home="/" nav={[{ to: '/', label: 'My devices' }, { to: '/enroll', label: 'Enroll this device' }]}>
          <Routes>
            <Route path="/" element={<MyDevices />} />
            <Route path="/enroll" element={<Enroll />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Layout>
      </SessionProvider>
    </BrowserRouter>
  );
}
