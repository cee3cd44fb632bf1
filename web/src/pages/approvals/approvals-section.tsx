import { NavLink, Route, Routes } from 'react-router';
import { cn } from '../../lib/cn.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import { InboxPage } from './inbox-page.tsx';
import { PayoutsPage } from './payouts-page.tsx';
import { TeamPage } from './team-page.tsx';

const sections = [
  { to: '', label: 'Approval inbox', end: true },
  { to: 'payouts', label: 'Payouts' },
  { to: 'team', label: 'Team & policies' },
];

/** A merchant's team, its approval inbox and its payouts (`/developers/:merchantId/approvals/*`). */
export default function ApprovalsSection() {
  const merchantId = useMerchantId();
  return (
    <div>
      <nav aria-label="Approvals" className="mb-6 flex flex-wrap gap-1">
        {sections.map((section) => (
          <NavLink
            key={section.to}
            end={section.end ?? false}
            to={`/developers/${merchantId}/approvals${section.to ? `/${section.to}` : ''}`}
            className={({ isActive }) =>
              cn(
                'rounded-md px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-ring',
                isActive ? 'bg-muted font-medium' : 'text-muted-foreground hover:bg-muted',
              )
            }
          >
            {section.label}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<InboxPage />} />
        <Route path="payouts" element={<PayoutsPage />} />
        <Route path="team" element={<TeamPage />} />
      </Routes>
    </div>
  );
}
