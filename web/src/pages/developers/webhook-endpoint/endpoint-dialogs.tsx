import { useState } from 'react';
import { useNavigate } from 'react-router';
import { toast } from 'sonner';
import { errorMessage } from '../../../api/client.ts';
import {
  isEndpointEvent,
  useDeleteEndpoint,
  useUpdateEndpoint,
  type EndpointChanges,
  type WebhookEndpoint,
} from '../../../api/webhooks.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import {
  EndpointFields,
  endpointErrorsFromApi,
  validateEndpoint,
  type EndpointDraft,
  type EndpointErrors,
} from '../webhooks/endpoint-fields.tsx';

/** Only what the form changed, so an untouched URL is not checked again. */
export function endpointChanges(
  endpoint: WebhookEndpoint,
  draft: EndpointDraft,
  enabled: boolean,
): EndpointChanges {
  const changes: EndpointChanges = {};
  const url = draft.url.trim();
  const description = draft.description.trim();
  const status = enabled ? 'enabled' : 'disabled';
  if (url !== endpoint.url) changes.url = url;
  if ([...draft.events].sort().join() !== [...endpoint.events].sort().join()) changes.events = draft.events;
  if (description !== (endpoint.description ?? '')) changes.description = description;
  if (status !== endpoint.status) changes.status = status;
  return changes;
}

/** Change an endpoint's URL, events, description and whether it receives events. */
export function EditEndpointDialog({
  merchantId,
  endpoint,
  open,
  onOpenChange,
}: {
  merchantId: string;
  endpoint: WebhookEndpoint;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const update = useUpdateEndpoint(merchantId, endpoint.id);
  // An event type the API no longer offers cannot be sent back: the form leaves it out.
  const [draft, setDraft] = useState<EndpointDraft>({
    url: endpoint.url,
    events: endpoint.events.filter(isEndpointEvent),
    description: endpoint.description ?? '',
  });
  const [enabled, setEnabled] = useState(endpoint.status === 'enabled');
  const [errors, setErrors] = useState<EndpointErrors>({});
  const close = () => {
    update.reset();
    setErrors({});
    onOpenChange(false);
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => (next ? onOpenChange(true) : close())}
      title="Edit endpoint"
      description="A disabled endpoint keeps its settings and secret but receives no events."
      wide
    >
      <form
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          const next = validateEndpoint(draft);
          setErrors(next);
          if (Object.keys(next).length > 0) return;
          const changes = endpointChanges(endpoint, draft, enabled);
          if (Object.keys(changes).length === 0) return close();
          update.mutate(changes, {
            onSuccess: () => {
              toast.success('Endpoint updated');
              close();
            },
            onError: (error) => setErrors(endpointErrorsFromApi(error) ?? {}),
          });
        }}
      >
        {/* The fields scroll on a short screen; the buttons stay in view. */}
        <div className="-mx-1 flex max-h-[55dvh] flex-col gap-4 overflow-y-auto px-1 py-1">
          <EndpointFields
            draft={draft}
            errors={errors}
            onChange={(next, nextErrors) => {
              setDraft(next);
              setErrors(nextErrors);
            }}
          />
          <label className="flex items-center gap-2 text-sm font-medium">
            <input
              type="checkbox"
              className="size-4 accent-primary"
              checked={enabled}
              onChange={(e) => setEnabled(e.target.checked)}
            />
            Enabled: send events to this endpoint
          </label>
        </div>
        {update.isError && Object.keys(errors).length === 0 ? (
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(update.error)}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save changes'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** Asks, deletes, and goes back to the list. */
export function DeleteEndpointDialog({
  merchantId,
  endpoint,
  open,
  onOpenChange,
}: {
  merchantId: string;
  endpoint: WebhookEndpoint;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const remove = useDeleteEndpoint(merchantId, endpoint.id);
  const navigate = useNavigate();
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) remove.reset();
      }}
      title="Delete this endpoint?"
      description={
        <>
          Sluice stops sending events to <span className="font-mono break-all">{endpoint.url}</span>. This
          cannot be undone.
        </>
      }
      action="Delete endpoint"
      destructive
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() =>
        remove.mutate(undefined, {
          onSuccess: () => {
            toast.success('Endpoint deleted');
            void navigate(`/developers/${merchantId}/webhooks`, { replace: true });
          },
        })
      }
    />
  );
}
