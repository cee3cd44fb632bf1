import { Link, useLocation, useNavigate } from 'react-router';
import { useSignIn } from '../../api/auth.ts';
import { AuthForm, emailField } from '../../components/auth-form.tsx';

export function SignInPage() {
  const signIn = useSignIn();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  return (
    <AuthForm
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
        await signIn.mutateAsync({ email: values.email!.trim(), password: values.password! });
        void navigate(from, { replace: true });
      }}
      footer={
        <>
          New to Sluice?{' '}
          <Link className="font-medium text-primary underline" to="/signup">
            Create an account
          </Link>
        </>
      }
    />
  );
}
