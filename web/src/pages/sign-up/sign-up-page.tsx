import { Link, useNavigate } from 'react-router';
import type { Me } from '../../api/account.ts';
import { useSignUp } from '../../api/auth.ts';
import { apiFetch } from '../../api/client.ts';
import { AuthForm, emailField } from '../../components/auth-form.tsx';

export function SignUpPage() {
  const signUp = useSignUp();
  const navigate = useNavigate();
  return (
    <AuthForm
      title="Create your wallet"
      submitLabel="Sign up"
      fields={[
        {
          name: 'name',
          label: 'Name',
          type: 'text',
          autoComplete: 'name',
          validate: (v) => (v.trim() ? undefined : 'Enter your name'),
        },
        emailField,
        {
          name: 'password',
          label: 'Password',
          type: 'password',
          autoComplete: 'new-password',
          validate: (v) =>
            v.length >= 8 ? undefined : 'Use at least 8 characters; a phrase of a few words is best',
        },
      ]}
      onSubmit={async (values) => {
        await signUp.mutateAsync({
          name: values.name!.trim(),
          email: values.email!.trim(),
          password: values.password!,
        });
        // Straight to the code we mailed, where the server asks for verification.
        const me = await apiFetch<Me>('/v1/me').catch(() => undefined);
        void navigate(me && !me.email_verified ? '/verify-email' : '/', { replace: true });
      }}
      footer={
        <>
          Already have an account?{' '}
          <Link className="font-medium text-primary underline" to="/signin">
            Sign in
          </Link>
        </>
      }
    />
  );
}
