import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { toast } from 'sonner';
import { confirmPasswordReset, requestPasswordReset } from '../../api/account.ts';
import { AuthForm, emailField } from '../../components/auth-form.tsx';

/** Forgot password: an email gets a code (the answer is the same for any email), then code and new password. */
export function ForgotPasswordPage() {
  const navigate = useNavigate();
  const [email, setEmail] = useState<string | null>(null);

  if (email === null)
    return (
      <AuthForm
        key="request"
        title="Reset your password"
        submitLabel="Send a reset code"
        fields={[emailField]}
        onSubmit={async (values) => {
          const address = values.email!.trim();
          await requestPasswordReset(address);
          setEmail(address);
        }}
        footer={
          <Link className="font-medium text-primary underline" to="/signin">
            Back to sign in
          </Link>
        }
      />
    );

  return (
    <AuthForm
      key="confirm"
      title="Choose a new password"
      submitLabel="Set new password"
      fields={[
        {
          name: 'code',
          label: 'Reset code',
          type: 'text',
          autoComplete: 'one-time-code',
          validate: (v) => (/^\s*\d{6}\s*$/.test(v) ? undefined : 'Enter the 6-digit code from the email'),
        },
        {
          name: 'new_password',
          label: 'New password',
          type: 'password',
          autoComplete: 'new-password',
          validate: (v) => (v.length >= 8 ? undefined : 'Use at least 8 characters'),
        },
      ]}
      onSubmit={async (values) => {
        await confirmPasswordReset({ email, code: values.code!.trim(), new_password: values.new_password! });
        toast.success('Password changed: sign in with the new one. Every other session was signed out.');
        void navigate('/signin', { replace: true });
      }}
      footer={
        <>
          If an account exists for {email}, we sent it a code that works for 15 minutes.{' '}
          <button type="button" className="font-medium text-primary underline" onClick={() => setEmail(null)}>
            Use another email
          </button>
        </>
      }
    />
  );
}
