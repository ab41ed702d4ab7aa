// Choose the moment the profile is shown at: a date and time, or one of its versions.
import { useEffect, useState, type FormEvent } from 'react';
import { dateTime, toLocalInput } from '../../format.js';
import type { VersionData } from './types.js';

export function AsOfControl({
  versions,
  asOf,
  onChange,
}: {
  versions: VersionData[];
  asOf: string | null;
  onChange: (iso: string | null) => void;
}) {
  const [value, setValue] = useState(asOf ? toLocalInput(asOf) : '');
  useEffect(() => setValue(asOf ? toLocalInput(asOf) : ''), [asOf]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!value) return onChange(null);
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) onChange(d.toISOString());
  };
  return (
    <form className="asof inline" onSubmit={submit} aria-label="Profile as of a past moment">
      <label htmlFor="asof">Profile as of</label>
      <input id="asof" type="datetime-local" step="0.001" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit">Show</button>
      <label htmlFor="asof-version">or version</label>
      <select
        id="asof-version"
        value=""
        onChange={(e) => {
          const v = versions.find((x) => String(x.version) === e.target.value);
          if (v) onChange(v.asOf);
        }}
      >
        <option value="">choose…</option>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version} · {dateTime(v.asOf)}
          </option>
        ))}
      </select>
      <button type="button" className="secondary" disabled={!asOf} onClick={() => onChange(null)}>
        Back to now
      </button>
    </form>
  );
}
