import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { completeMfaSignIn } from '../../api/account.ts';
import { useSignIn } from '../../api/auth.ts';
import { AuthForm, emailField } from '../../components/auth-form.tsx';

export function SignInPage() {
  const signIn = useSignIn();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  // Set once the password step passed for a user with two-factor sign-in.
  const [mfaToken, setMfaToken] = useState<string | null>(null);

  if (mfaToken)
    return (
      <AuthForm
        key="mfa"
        title="Two-factor sign-in"
        submitLabel="Verify"
        fields={[
          {
            name: 'code',
            label: 'Authentication code',
            type: 'text',
            autoComplete: 'one-time-code',
            validate: (v) =>
              v.trim() ? undefined : 'Enter the code from your authenticator app, or a recovery code',
          },
        ]}
        onSubmit={async (values) => {
          await completeMfaSignIn({ mfa_token: mfaToken, code: values.code!.trim() });
          void navigate(from, { replace: true });
        }}
        footer={
          <>
            Lost your authenticator? Enter one of your recovery codes instead.{' '}
            <button
              type="button"
              className="font-medium text-primary underline"
              onClick={() => setMfaToken(null)}
            >
              Start over
            </button>
          </>
        }
      />
    );

  return (
    <AuthForm
      key="password"
      title="Sign in"
      submitLabel="Sign in"
      fields={[
        emailField,
        {
          name: 'password',
          label: 'Password',
          type: 'password',
          autoComplete: 'current-password',
          validate: (v) => (v ? undefined : 'Enter your password'),
        },
      ]}
      onSubmit={async (values) => {
        const challenge = await signIn.mutateAsync({
          email: values.email!.trim(),
          password: values.password!,
        });
        if (challenge) setMfaToken(challenge.mfa_token);
        else void navigate(from, { replace: true });
      }}
      footer={
        <>
          <Link className="font-medium text-primary underline" to="/forgot-password">
            Forgot your password?
          </Link>
          <br />
          New to Sluice?{' '}
          <Link className="font-medium text-primary underline" to="/signup">
            Create an account
          </Link>
        </>
      }
    />
  );
}
