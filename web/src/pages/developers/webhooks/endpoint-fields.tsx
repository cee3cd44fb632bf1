import { useId } from 'react';
import { ApiError } from '../../../api/client.ts';
import { webhookEventTypes, type EndpointEvent } from '../../../api/webhooks.ts';
import { Button } from '../../../components/ui/button.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { Input } from '../../../components/ui/input.tsx';

/** An endpoint as the add and edit forms hold it. */
export interface EndpointDraft {
  url: string;
  events: EndpointEvent[];
  description: string;
}

export type EndpointErrors = Partial<Record<'url' | 'events' | 'description', string>>;

/** The server's limit on `description`. */
const descriptionMax = 500;

/** Checks a draft before it is sent; an empty object means it is fine. */
export function validateEndpoint(draft: EndpointDraft): EndpointErrors {
  const errors: EndpointErrors = {};
  try {
    const parsed = new URL(draft.url.trim());
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      errors.url = 'Use an http:// or https:// URL';
  } catch {
    errors.url = 'Enter a full URL, e.g. https://example.com/webhooks';
  }
  if (draft.events.length === 0) errors.events = 'Pick at least one event';
  if (draft.description.trim().length > descriptionMax)
    errors.description = `At most ${descriptionMax} characters`;
  return errors;
}

/** The errors left once the fields that changed between `before` and `after` are forgiven. */
export function keepUnchangedErrors(
  errors: EndpointErrors,
  before: EndpointDraft,
  after: EndpointDraft,
): EndpointErrors {
  const kept: EndpointErrors = {};
  if (errors.url && before.url === after.url) kept.url = errors.url;
  if (errors.events && before.events === after.events) kept.events = errors.events;
  if (errors.description && before.description === after.description) kept.description = errors.description;
  return kept;
}

/** Puts a server error on the field its `param` names; null when it names none of them. */
export function endpointErrorsFromApi(error: unknown): EndpointErrors | null {
  if (!(error instanceof ApiError)) return null;
  for (const field of ['url', 'events', 'description'] as const) {
    if (error.param?.startsWith(field)) return { [field]: error.message };
  }
  return null;
}

/**
 * URL, events and description, shared by the add form and the edit dialog. Editing a field
 * clears its error; the rest stay until the next submit.
 */
export function EndpointFields({
  draft,
  errors,
  onChange,
}: {
  draft: EndpointDraft;
  errors: EndpointErrors;
  onChange: (draft: EndpointDraft, errors: EndpointErrors) => void;
}) {
  const eventsErrorId = `${useId()}-events-error`;
  const change = (next: EndpointDraft) => onChange(next, keepUnchangedErrors(errors, draft, next));
  const setEvents = (events: EndpointEvent[]) => change({ ...draft, events });
  return (
    <>
      <Field label="Endpoint URL" error={errors.url}>
        <Input
          type="url"
          inputMode="url"
          autoComplete="off"
          placeholder="https://example.com/webhooks/sluice"
          value={draft.url}
          onChange={(e) => change({ ...draft, url: e.target.value })}
        />
      </Field>
      <fieldset aria-describedby={errors.events ? eventsErrorId : undefined}>
        <legend className="mb-2 text-sm font-medium">Events to send</legend>
        {/* Columns as wide as the longest type fits, as many as the dialog (not the window) holds. */}
        <div className="grid grid-cols-[repeat(auto-fill,minmax(min(100%,17rem),1fr))] gap-x-4 gap-y-1.5">
          {webhookEventTypes.map((type) => (
            <label key={type} className="flex min-w-0 items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="size-4 accent-primary"
                checked={draft.events.includes(type) || draft.events.includes('*')}
                onChange={(e) => {
                  const current = draft.events.includes('*') ? [...webhookEventTypes] : draft.events;
                  setEvents(e.target.checked ? [...current, type] : current.filter((t) => t !== type));
                }}
              />
              <span className="min-w-0 font-mono break-words">{type}</span>
            </label>
          ))}
        </div>
        <div className="mt-2 flex gap-2">
          <Button variant="ghost" size="sm" onClick={() => setEvents([...webhookEventTypes])}>
            Select all
          </Button>
          <Button variant="ghost" size="sm" onClick={() => setEvents([])}>
            Clear
          </Button>
        </div>
        {errors.events ? (
          <p id={eventsErrorId} className="mt-1 text-sm text-destructive">
            {errors.events}
          </p>
        ) : null}
      </fieldset>
      <Field label="Description (optional)" error={errors.description}>
        <Input
          autoComplete="off"
          maxLength={descriptionMax + 20}
          placeholder="What this endpoint is for"
          value={draft.description}
          onChange={(e) => change({ ...draft, description: e.target.value })}
        />
      </Field>
    </>
  );
}
