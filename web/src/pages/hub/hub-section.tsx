import { NavLink, Route, Routes } from 'react-router';
import { cn } from '../../lib/cn.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import { AchPage } from './ach-page.tsx';
import { ConnectorsPage } from './connectors-page.tsx';
import { IntentPage, IntentsPage } from './intents-page.tsx';
import { VendorPage, VendorsPage } from './vendors-page.tsx';

const sections = [
  { to: '', label: 'Connectors & routing', end: true },
  { to: 'intents', label: 'Payment intents' },
  { to: 'ach', label: 'ACH file' },
  { to: 'vendors', label: 'Vendors' },
];

/** Shows the open tab when the row scrolls (Vendors starts off-screen on a phone). */
function scrollActiveTabIntoView(nav: HTMLElement | null) {
  const active = nav?.querySelector<HTMLElement>('[aria-current="page"]');
  if (active && nav) nav.scrollLeft = active.offsetLeft - nav.offsetLeft;
}

/** The processing hub for one merchant (`/developers/:merchantId/hub/*`). */
export default function HubSection() {
  const merchantId = useMerchantId();
  return (
    <div>
      {/* One row that scrolls sideways on a phone (four tabs wrapped to two lines pushed the page down). */}
      <nav aria-label="Hub" ref={scrollActiveTabIntoView} className="mb-4 flex gap-1 overflow-x-auto sm:mb-6">
        {sections.map((section) => (
          <NavLink
            key={section.to}
            end={section.end ?? false}
            to={
              section.to === ''
                ? `/developers/${merchantId}/hub`
                : `/developers/${merchantId}/hub/${section.to}`
            }
            className={({ isActive }) =>
              cn(
                'shrink-0 rounded-md px-3 py-1.5 text-sm whitespace-nowrap',
                isActive ? 'bg-muted font-medium' : 'text-muted-foreground hover:bg-muted',
              )
            }
          >
            {section.label}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<ConnectorsPage />} />
        <Route path="intents" element={<IntentsPage />} />
        <Route path="intents/:intentId" element={<IntentPage />} />
        <Route path="ach" element={<AchPage />} />
        <Route path="vendors" element={<VendorsPage />} />
        <Route path="vendors/:vendorId" element={<VendorPage />} />
      </Routes>
    </div>
  );
}
