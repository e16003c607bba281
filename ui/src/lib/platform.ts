// Which desktop the window runs on, marked on <html data-platform> before the
// first style is worked out, for what differs by platform in CSS: the font
// stack. On Linux the window is WebKitGTK, which asks fontconfig for each
// family of a stack in turn, for every size and weight, until one is
// installed: the stack naming the macOS and Windows UI fonts first cost a
// fifth of the web process's start-up there (measured with perf: 13 % of all
// samples in fontconfig, 2 % with fontconfig's own defaults). Linux gets
// fontconfig's default sans-serif and monospace, which is what the desktop is
// set to; macOS and Windows keep their system fonts.

export type Platform = "linux" | "macos" | "windows" | "other";

export function platformOf(userAgent: string): Platform {
  if (/Android/i.test(userAgent)) return "other";
  if (/Windows NT/i.test(userAgent)) return "windows";
  if (/Macintosh|Mac OS X/i.test(userAgent)) return "macos";
  if (/Linux|X11|FreeBSD|OpenBSD/i.test(userAgent)) return "linux";
  return "other";
}

export function markPlatform(root: HTMLElement = document.documentElement, userAgent = navigator.userAgent): Platform {
  const p = platformOf(userAgent);
  root.dataset.platform = p;
  return p;
}
