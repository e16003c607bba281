// Time zone suggestions for the zone fields: every IANA zone the runtime
// knows, or a short list of common ones where Intl cannot list them.
const COMMON_ZONES = [
  "UTC",
  "Europe/London",
  "Europe/Dublin",
  "Europe/Lisbon",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Madrid",
  "Europe/Rome",
  "Europe/Amsterdam",
  "Europe/Stockholm",
  "Europe/Warsaw",
  "Europe/Athens",
  "Europe/Helsinki",
  "Europe/Istanbul",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "America/Toronto",
  "America/Mexico_City",
  "America/Sao_Paulo",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Pacific/Auckland",
];

let zones: string[] | undefined;

function allZones(): string[] {
  if (zones) return zones;
  try {
    const listed = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
    zones = listed.length > 0 ? listed : COMMON_ZONES;
  } catch {
    zones = COMMON_ZONES;
  }
  return zones;
}

/** This computer's zone, the default for a new workspace. */
export function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** A <datalist> of zones; point an input's `list` at `id`. */
export function ZoneList({ id }: { id: string }) {
  return (
    <datalist id={id}>
      {allZones().map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
}
