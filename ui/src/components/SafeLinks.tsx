// Links to what a visitor gave: the page they were on, their email address.
// Only http(s) and mailto become links, and a click hands the URL to the
// system (browser, mail program) through the shell's opener; the webview
// itself never navigates. Anything else is shown as text.
import type { MouseEvent, ReactNode } from "react";
import { useBackend } from "../ipc";
import { mailtoHref, safeHttpUrl } from "../lib/links";

function useOpen(href: string) {
  const backend = useBackend();
  return (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    void backend.openLink(href).catch(() => {
      // No browser or mail program answered: the address stays on screen to copy.
    });
  };
}

/** A page URL: a real link only for http(s), plain text for anything else. */
export function PageLink({ url, children }: { url: string; children?: ReactNode }) {
  const href = safeHttpUrl(url);
  if (href === null) {
    return (
      <bdi className="page-text" data-testid="page-text">
        {url}
      </bdi>
    );
  }
  return <OpenLink href={href} className="page-link" testId="page-link" label={children ?? url} />;
}

/** An email address: a mailto link only when it looks like an email. */
export function EmailLink({ email, testId }: { email: string; testId?: string }) {
  const href = mailtoHref(email);
  if (href === null) {
    return <bdi data-testid={testId}>{email}</bdi>;
  }
  return <OpenLink href={href} testId={testId} label={email} title={`Write to ${email} in your mail program`} />;
}

function OpenLink({
  href,
  label,
  className,
  testId,
  title,
}: {
  href: string;
  label: ReactNode;
  className?: string;
  testId?: string;
  title?: string;
}) {
  const open = useOpen(href);
  return (
    <a
      className={className}
      data-testid={testId}
      href={href}
      title={title ?? "Open in your browser"}
      rel="noreferrer noopener"
      onClick={open}
    >
      <bdi>{label}</bdi>
    </a>
  );
}
