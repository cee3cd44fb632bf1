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

/** The processing hub for one merchant (`/developers/:merchantId/hub/*`). */
export default function HubSection() {
  const merchantId = useMerchantId();
  return (
    <div>
      <nav aria-label="Hub" className="mb-6 flex gap-1">
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
                'rounded-md px-3 py-1.5 text-sm',
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
