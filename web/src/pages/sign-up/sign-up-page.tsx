import { Link, useNavigate } from 'react-router';
import { useSignUp } from '../../api/auth.ts';
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
          validate: (v) => (v.length >= 8 ? undefined : 'Use at least 8 characters'),
        },
      ]}
      onSubmit={async (values) => {
        await signUp.mutateAsync({
          name: values.name!.trim(),
          email: values.email!.trim(),
          password: values.password!,
        });
        void navigate('/', { replace: true });
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
