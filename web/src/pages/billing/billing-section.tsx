import { NavLink, Route, Routes } from 'react-router';
import { cn } from '../../lib/cn.ts';
import { useMerchantId } from '../developers/merchant-shell.tsx';
import { CustomerPage, CustomersPage } from './customers-page.tsx';
import { PlansPage } from './plans-page.tsx';
import { SubscriptionPage } from './subscription-page.tsx';
import { SubscriptionsPage } from './subscriptions-page.tsx';

const sections = [
  { to: '', label: 'Subscriptions', end: true },
  { to: 'plans', label: 'Plans' },
  { to: 'customers', label: 'Customers' },
];

/** Recurring billing for one merchant (`/developers/:merchantId/billing/*`), loaded lazily. */
export default function BillingSection() {
  const merchantId = useMerchantId();
  return (
    <div>
      <nav aria-label="Billing" className="mb-6 flex gap-1">
        {sections.map((section) => (
          <NavLink
            key={section.to}
            end={section.end ?? false}
            to={`/developers/${merchantId}/billing${section.to === '' ? '' : `/${section.to}`}`}
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
        <Route index element={<SubscriptionsPage />} />
        <Route path="subscriptions/:subscriptionId" element={<SubscriptionPage />} />
        <Route path="plans" element={<PlansPage />} />
        <Route path="customers" element={<CustomersPage />} />
        <Route path="customers/:customerId" element={<CustomerPage />} />
      </Routes>
    </div>
  );
}
