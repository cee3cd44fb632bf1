import { useNavigate } from 'react-router';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { SendMoneyForm } from './send-money-form.tsx';

export function SendPage() {
  const navigate = useNavigate();
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Send money" description="Pay anyone with a Sluice account by email." />
      <Card>
        <SendMoneyForm onSent={() => void navigate('/')} />
      </Card>
    </div>
  );
}
