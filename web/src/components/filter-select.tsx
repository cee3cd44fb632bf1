/**
 * A list's filter: a labelled select whose first option ("All") means no filter.
 *
 * @example <FilterSelect label="Status" value={status} options={[{ value: 'failed', label: 'Failed' }]} onChange={setStatus} />
 */
export function FilterSelect<T extends string>(props: {
  label: string;
  value: T | undefined;
  options: ReadonlyArray<{ value: T; label: string }>;
  onChange: (value: T | undefined) => void;
}) {
  return (
    <label className="mb-4 flex items-center gap-2 text-sm">
      <span className="text-muted-foreground">{props.label}</span>
      <select
        aria-label={props.label}
        className="h-9 rounded-md border border-input bg-card px-2 text-foreground focus-visible:outline-2 focus-visible:outline-ring"
        value={props.value ?? ''}
        onChange={(event) =>
          props.onChange(event.target.value === '' ? undefined : (event.target.value as T))
        }
      >
        <option value="">All</option>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
