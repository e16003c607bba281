import type { ReactNode } from "react";
import { mailtoHref, safeHttpUrl } from "../lib/links";

/** A page URL: a real link only for http(s), plain text for anything else. */
export function PageLink({ url, children }: { url: string; children?: ReactNode }) {
  const href = safeHttpUrl(url);
  if (href === null) {
    return (
      <span className="page-text" data-testid="page-text">
        {url}
      </span>
    );
  }
  return (
    <a className="page-link" data-testid="page-link" href={href} target="_blank" rel="noreferrer noopener">
      {children ?? url}
    </a>
  );
}

/** An email address: a mailto link only when it looks like an email. */
export function EmailLink({ email, testId }: { email: string; testId?: string }) {
  const href = mailtoHref(email);
  if (href === null) {
    return <span data-testid={testId}>{email}</span>;
  }
  return (
    <a data-testid={testId} href={href} target="_blank" rel="noreferrer noopener">
      {email}
    </a>
  );
}
