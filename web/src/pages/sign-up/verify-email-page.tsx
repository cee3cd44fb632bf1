import { Link, useNavigate } from 'react-router';
import { toast } from 'sonner';
import { useMe, useResendVerification, useVerifyEmail } from '../../api/account.ts';
import { errorMessage } from '../../api/client.ts';
import { AuthForm } from '../../components/auth-form.tsx';

/** Verify email: the 6-digit code mailed at sign-up; until then no money goes out. */
export function VerifyEmailPage() {
  const me = useMe();
  const verify = useVerifyEmail();
  const resend = useResendVerification();
  const navigate = useNavigate();
  return (
    <AuthForm
      title="Verify your email"
      submitLabel="Verify email"
      fields={[
        {
          name: 'code',
          label: 'Verification code',
          type: 'text',
          autoComplete: 'one-time-code',
          validate: (v) => (/^\s*\d{6}\s*$/.test(v) ? undefined : 'Enter the 6-digit code from the email'),
        },
      ]}
      onSubmit={async (values) => {
        await verify.mutateAsync(values.code!.trim());
        toast.success('Email verified: your sign-up bonus is on its way.');
        void navigate('/', { replace: true });
      }}
      footer={
        <>
          We sent a code to {me.data?.email ?? 'your email'}. Until it is verified you can look around, but
          not send money.{' '}
          <button
            type="button"
            className="font-medium text-primary underline"
            disabled={resend.isPending}
            onClick={() =>
              resend.mutate(undefined, {
                onSuccess: () => toast.success('We sent a new code.'),
                onError: (error) => toast.error(errorMessage(error)),
              })
            }
          >
            Send a new code
          </button>{' '}
          ·{' '}
          <Link className="font-medium text-primary underline" to="/">
            Later
          </Link>
        </>
      }
    />
  );
}
