import { type RefObject, useEffect, useRef } from 'react';
import { NavLink, Route, Routes, useLocation } from 'react-router';
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

/**
 * Keeps the open tab in view when the tab row scrolls (on a phone, Vendors starts off-screen):
 * on every navigation and whenever the row changes width.
 */
function useOpenTabInView(nav: RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  useEffect(() => {
    const row = nav.current;
    if (!row) return;
    const reveal = () => {
      const open = row.querySelector<HTMLElement>('[aria-current="page"]');
      if (!open) return;
      const left = open.offsetLeft - row.offsetLeft;
      const right = left + open.offsetWidth;
      if (left < row.scrollLeft) row.scrollLeft = left;
      else if (right > row.scrollLeft + row.clientWidth) row.scrollLeft = right - row.clientWidth;
    };
    reveal();
    const observer = new ResizeObserver(reveal);
    observer.observe(row);
    return () => observer.disconnect();
  }, [nav, pathname]);
}

/** The processing hub for one merchant (`/developers/:merchantId/hub/*`). */
export default function HubSection() {
  const merchantId = useMerchantId();
  const nav = useRef<HTMLElement>(null);
  useOpenTabInView(nav);
  return (
    <div>
      {/* One row that scrolls sideways on a phone (four tabs wrapped to two lines pushed the page down). */}
      <nav aria-label="Hub" ref={nav} className="mb-4 flex gap-1 overflow-x-auto sm:mb-6">
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
