import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '../../../api/session.ts';
import {
  apiError,
  apiRoute,
  fixture,
  mockFetch,
  signInTestUser,
  withQueryClient,
  type Route,
} from '../../../test-support.tsx';
import { EvidenceForm, validateEvidence } from './evidence-form.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setSession(null);
});

const dispute = fixture<'Dispute'>({
  id: 'dp_1',
  object: 'dispute',
  merchant: 'mer_1',
  payment: 'pay_1',
  amount: 1250,
  fee: 1500,
  currency: 'USD',
  reason: 'fraudulent',
  status: 'under_review',
  evidence: { text: 'Signed delivery receipt', submitted_at: '2026-11-22T00:00:00Z' },
  evidence_due_by: '2026-11-29T00:00:00Z',
  created_at: '2026-11-22T00:00:00Z',
  closed_at: null,
});

function renderForm(routes: Route[] = []) {
  signInTestUser();
  const mocked = mockFetch(routes);
  const { wrapper: Wrapper } = withQueryClient();
  render(<EvidenceForm merchantId="mer_1" disputeId="dp_1" />, { wrapper: Wrapper });
  const type = (value: string) => fireEvent.change(screen.getByLabelText('Evidence'), { target: { value } });
  return {
    ...mocked,
    type,
    submit: () => fireEvent.click(screen.getByRole('button', { name: 'Submit evidence' })),
  };
}

describe('validateEvidence', () => {
  it('trims the text and refuses blank or over-long evidence', () => {
    expect(validateEvidence('  Signed delivery receipt \n')).toEqual({
      ok: true,
      text: 'Signed delivery receipt',
    });
    expect(validateEvidence(' \n\t ')).toEqual({ ok: false, error: 'Describe your evidence' });
    expect(validateEvidence('x'.repeat(20_001))).toEqual({
      ok: false,
      error: 'At most 20,000 characters (20,001 now)',
    });
    expect(validateEvidence('x'.repeat(20_000))).toMatchObject({ ok: true });
  });
});

describe('EvidenceForm', () => {
  it('names the problem on the field and sends nothing when the evidence is blank', () => {
    const { calls, type, submit } = renderForm();
    type('   ');
    submit();
    const field = screen.getByLabelText('Evidence');
    expect(screen.getByText('Describe your evidence')).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(calls).toHaveLength(0);
  });

  it('sends the trimmed evidence as the merchant, with an idempotency key', async () => {
    const { calls, type, submit } = renderForm([
      apiRoute('post', '/v1/disputes/{id}/evidence')(() => ({ status: 200, body: dispute })),
    ]);
    type('  Signed delivery receipt  ');
    submit();
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]!.body).toEqual({ text: 'Signed delivery receipt' });
    expect(calls[0]!.headers.get('sluice-merchant')).toBe('mer_1');
    expect(calls[0]!.headers.get('idempotency-key')).toBeTruthy();
  });

  it('shows the server refusal, such as a passed deadline', async () => {
    const { type, submit } = renderForm([
      apiRoute(
        'post',
        '/v1/disputes/{id}/evidence',
      )(() => ({
        status: 409,
        body: apiError('invalid_state_transition', 'the evidence was due by 2026-11-29T00:00:00Z'),
      })),
    ]);
    type('Receipt');
    submit();
    expect((await screen.findByRole('alert')).textContent).toMatch(/the evidence was due by/i);
  });
});
