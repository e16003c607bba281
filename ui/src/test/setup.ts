import { cleanup } from "@testing-library/react";
import { afterEach, beforeAll } from "vitest";

// jsdom has no layout: give elements a viewport so the virtualiser renders rows.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 640 });
  Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 1000 });
  Object.defineProperty(HTMLElement.prototype, "offsetHeight", { configurable: true, get: () => 640 });
  Object.defineProperty(HTMLElement.prototype, "offsetWidth", { configurable: true, get: () => 1000 });
  // A scroll box is as tall as its first child's inline height (the virtualiser's sizer).
  Object.defineProperty(HTMLElement.prototype, "scrollHeight", {
    configurable: true,
    get(this: HTMLElement) {
      const child = this.firstElementChild;
      const height = child instanceof HTMLElement ? parseFloat(child.style.height) : NaN;
      return Number.isFinite(height) ? height : 640;
    },
  });
  const scrollTops = new WeakMap<Element, number>();
  Object.defineProperty(Element.prototype, "scrollTop", {
    configurable: true,
    get(this: Element) {
      return scrollTops.get(this) ?? 0;
    },
    set(this: Element, value: number) {
      scrollTops.set(this, value);
    },
  });
  Element.prototype.scrollTo = function scrollTo(this: Element, arg?: ScrollToOptions | number, y?: number) {
    const top = typeof arg === "number" ? (y ?? 0) : (arg?.top ?? this.scrollTop);
    const max = Math.max(0, this.scrollHeight - this.clientHeight);
    this.scrollTop = Math.min(Math.max(0, top), max);
    // Browsers fire scroll events asynchronously.
    setTimeout(() => this.dispatchEvent(new Event("scroll")), 0);
  } as Element["scrollTo"];
});

afterEach(() => {
  cleanup();
});
