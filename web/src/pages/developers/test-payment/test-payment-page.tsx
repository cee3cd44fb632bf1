import { PageHeader } from '../../../components/ui/card.tsx';
import { useMerchantId } from '../merchant-shell.tsx';
import { TestPaymentForm } from './test-payment-form.tsx';

export function TestPaymentPage() {
  const merchantId = useMerchantId();
  return (
    <div>
      <PageHeader
        title="Make a test payment"
        description="Charge a test card as this merchant, through the same API your server calls."
      />
      <TestPaymentForm merchantId={merchantId} />
    </div>
  );
}
