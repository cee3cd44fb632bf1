import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import QRCode from 'qrcode';
import { toast } from 'sonner';
import {
  useChangePassword,
  useConfirmTotp,
  useDisableTotp,
  useEndAllSessions,
  useEndSession,
  useMe,
  useSessions,
  useStartTotp,
  type TotpEnrolment,
} from '../../api/account.ts';
import { useSignOut } from '../../api/auth.ts';
import { ApiError, errorMessage } from '../../api/client.ts';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Field } from '../../components/ui/field.tsx';
import { Input } from '../../components/ui/input.tsx';
import { ErrorState, Loading } from '../../components/ui/states.tsx';
import { formatDateTime } from '../../components/date-time.ts';

/** Security settings: email verification, two-factor sign-in with recovery codes, sessions, password. */
export function SecurityPage() {
  const me = useMe();
  return (
    <div className="flex flex-col gap-6">
      <PageHeader
        title="Security"
        description="Two-factor sign-in, where you are signed in, and your password."
      />
      {me.isPending ? (
        <Loading label="Loading your account…" />
      ) : me.isError ? (
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      ) : (
        <>
          <Card>
            <h2 className="mb-2 text-lg font-semibold">Email</h2>
            <p className="text-sm">
              {me.data.email}:{' '}
              {me.data.email_verified ? (
                <span className="text-success">verified</span>
              ) : (
                <>
                  <span className="text-warning">not verified</span> ·{' '}
                  <Link className="font-medium text-primary underline" to="/verify-email">
                    Verify now
                  </Link>
                </>
              )}
            </p>
          </Card>
          <TwoFactorCard enabled={me.data.mfa_enabled} />
          <SessionsCard />
          <PasswordCard />
        </>
      )}
    </div>
  );
}

/** A one-field form for a code (enrolment, turning off); server errors shown under the field. */
function CodeForm({
  label,
  submitLabel,
  onSubmit,
  variant = 'primary',
}: {
  label: string;
  submitLabel: string;
  onSubmit: (code: string) => Promise<unknown>;
  variant?: 'primary' | 'destructive';
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!code.trim()) return setError('Enter a code');
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(code.trim());
      setCode('');
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form noValidate onSubmit={(e) => void submit(e)} className="flex flex-wrap items-end gap-3">
      <div className="min-w-48 flex-1">
        <Field label={label} error={error}>
          <Input
            name="code"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </Field>
      </div>
      <Button type="submit" variant={variant} disabled={busy}>
        {submitLabel}
      </Button>
    </form>
  );
}

function TwoFactorCard({ enabled }: { enabled: boolean }) {
  const start = useStartTotp();
  const confirm = useConfirmTotp();
  const disable = useDisableTotp();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  useEffect(() => {
    if (!enrolment) return setQr(null);
    let isCurrent = true;
    void QRCode.toDataURL(enrolment.otpauth_url, { margin: 1, width: 200 }).then((url) => {
      if (isCurrent) setQr(url);
    });
    return () => {
      isCurrent = false;
    };
  }, [enrolment]);

  return (
    <Card>
      <h2 className="mb-2 text-lg font-semibold">Two-factor sign-in</h2>
      {recoveryCodes ? (
        <div className="flex flex-col gap-3">
          <p role="status" className="text-sm">
            Two-factor sign-in is on. Save these recovery codes somewhere safe: each signs you in once if you
            lose your authenticator, and they are shown only now.
          </p>
          <ul data-testid="recovery-codes" className="grid grid-cols-2 gap-1 font-mono text-sm">
            {recoveryCodes.map((code) => (
              <li key={code}>{code}</li>
            ))}
          </ul>
          <div>
            <Button variant="outline" onClick={() => setRecoveryCodes(null)}>
              I saved them
            </Button>
          </div>
        </div>
      ) : enabled ? (
        <div className="flex flex-col gap-3">
          <p className="text-sm">
            <span className="text-success">On.</span> Sign-in asks for a code from your authenticator app.
          </p>
          <CodeForm
            label="Code to turn it off"
            submitLabel="Turn off"
            variant="destructive"
            onSubmit={async (code) => {
              await disable.mutateAsync(code);
              toast.success('Two-factor sign-in is off.');
            }}
          />
        </div>
      ) : enrolment ? (
        <div className="flex flex-col gap-3">
          <p className="text-sm">
            Scan this with an authenticator app (or type the key), then enter the 6-digit code it shows.
          </p>
          {qr ? <img src={qr} alt="QR code for your authenticator app" width={200} height={200} /> : null}
          <p className="text-sm">
            Key:{' '}
            <code data-testid="totp-secret" className="font-mono break-all">
              {enrolment.secret}
            </code>
          </p>
          <CodeForm
            label="Code from the app"
            submitLabel="Turn on"
            onSubmit={async (code) => {
              const { recovery_codes } = await confirm.mutateAsync(code);
              setEnrolment(null);
              setRecoveryCodes(recovery_codes);
            }}
          />
        </div>
      ) : (
        <div className="flex flex-col gap-3">
          <p className="text-sm">Off. Add a code from an authenticator app to every sign-in.</p>
          <div>
            <Button
              disabled={start.isPending}
              onClick={() =>
                start.mutate(undefined, {
                  onSuccess: setEnrolment,
                  onError: (error) => toast.error(errorMessage(error)),
                })
              }
            >
              Set up two-factor sign-in
            </Button>
          </div>
        </div>
      )}
    </Card>
  );
}

function SessionsCard() {
  const sessions = useSessions();
  const end = useEndSession();
  const endAll = useEndAllSessions();
  const signOut = useSignOut();
  return (
    <Card>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">Where you are signed in</h2>
        <Button
          variant="outline"
          size="sm"
          disabled={endAll.isPending}
          onClick={() =>
            endAll.mutate(undefined, {
              onSuccess: () =>
                signOut.mutate(undefined, { onSettled: () => window.location.assign('/signin') }),
              onError: (error) => toast.error(errorMessage(error)),
            })
          }
        >
          Sign out everywhere
        </Button>
      </div>
      {sessions.isPending ? (
        <Loading label="Loading sessions…" />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <ul className="divide-y divide-border" aria-label="Sessions">
          {sessions.data.data.map((session) => (
            <li key={session.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <div>
                <p className="font-medium break-all">
                  {session.device ?? 'Unknown device'}
                  {session.current ? <span className="ml-2 text-success">(this device)</span> : null}
                </p>
                <p className="text-muted-foreground">
                  Signed in {formatDateTime(session.created_at)} · last used{' '}
                  {formatDateTime(session.last_used_at)}
                </p>
              </div>
              {session.current ? null : (
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() =>
                    end.mutate(session.id, {
                      onSuccess: () => void sessions.refetch(),
                      onError: (error) => toast.error(errorMessage(error)),
                    })
                  }
                >
                  Sign out
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function PasswordCard() {
  const change = useChangePassword();
  const [values, setValues] = useState({ current_password: '', new_password: '' });
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    if (values.new_password.length < 8) return setErrors({ new_password: 'Use at least 8 characters' });
    try {
      await change.mutateAsync(values);
      setValues({ current_password: '', new_password: '' });
      toast.success('Password changed. Your other sessions were signed out.');
    } catch (error) {
      const param = error instanceof ApiError ? error.param : undefined;
      setErrors({
        [param === 'current_password' || param === 'new_password' ? param : 'form']: errorMessage(error),
      });
    }
  };
  return (
    <Card>
      <h2 className="mb-2 text-lg font-semibold">Password</h2>
      <form noValidate onSubmit={(e) => void submit(e)} className="flex flex-col gap-3">
        <Field label="Current password" error={errors.current_password}>
          <Input
            name="current_password"
            type="password"
            autoComplete="current-password"
            value={values.current_password}
            onChange={(e) => setValues((v) => ({ ...v, current_password: e.target.value }))}
          />
        </Field>
        <Field
          label="New password"
          error={errors.new_password}
          hint="At least 8 characters; a phrase works well."
        >
          <Input
            name="new_password"
            type="password"
            autoComplete="new-password"
            value={values.new_password}
            onChange={(e) => setValues((v) => ({ ...v, new_password: e.target.value }))}
          />
        </Field>
        {errors.form ? (
          <p role="alert" className="text-sm text-destructive">
            {errors.form}
          </p>
        ) : null}
        <div>
          <Button type="submit" disabled={change.isPending}>
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}
