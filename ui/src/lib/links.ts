// Deciding what may become a link. Anything that fails these checks is shown as text.

/** The normalised href when `raw` is an absolute http(s) URL, else null. */
export function safeHttpUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
}

/** The path (with query) of a URL for compact display, or the raw text when it does not parse. */
export function displayPath(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol !== "http:" && url.protocol !== "https:") return raw;
    return `${url.pathname}${url.search}` || "/";
  } catch {
    return raw;
  }
}

const EMAIL = /^[^\s@<>()[\]\\,;:"'`?#&%/]+@[^\s@<>()[\]\\,;:"'`?#&%/]+\.[^\s@<>()[\]\\,;:"'`?#&%/.]{2,}$/;

export function looksLikeEmail(value: string | null | undefined): value is string {
  return typeof value === "string" && value.length <= 254 && EMAIL.test(value);
}

/** A mailto: href for a plausible email address, else null. */
export function mailtoHref(email: string | null | undefined): string | null {
  if (!looksLikeEmail(email)) return null;
  const at = email.lastIndexOf("@");
  return `mailto:${encodeURIComponent(email.slice(0, at))}@${encodeURIComponent(email.slice(at + 1))}`;
}
