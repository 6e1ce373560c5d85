import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// jsdom has no layout: give elements a viewport-sized box so the virtualised list renders rows.
Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 800 });
Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 420 });
Object.defineProperty(HTMLElement.prototype, "offsetHeight", { configurable: true, get: () => 800 });
Object.defineProperty(HTMLElement.prototype, "offsetWidth", { configurable: true, get: () => 420 });
// A scroll container is as tall as its content (the virtual list's sizer sets its height).
Object.defineProperty(HTMLElement.prototype, "scrollHeight", {
  configurable: true,
  get(this: HTMLElement) {
    const child = this.firstElementChild as HTMLElement | null;
    return Math.max(800, Number.parseFloat(child?.style.height ?? "") || 0);
  },
});
// …and a scroll position that scrollTo() moves, firing "scroll" like a browser.
const scrollTops = new WeakMap<Element, number>();
Object.defineProperty(HTMLElement.prototype, "scrollTop", {
  configurable: true,
  get(this: HTMLElement) {
    return scrollTops.get(this) ?? 0;
  },
  set(this: HTMLElement, value: number) {
    scrollTops.set(this, value);
  },
});
Element.prototype.scrollTo = function scrollTo(this: Element, options?: ScrollToOptions | number, y?: number) {
  const top = typeof options === "object" ? options.top : y;
  if (top === undefined) return;
  (this as HTMLElement).scrollTop = top;
  this.dispatchEvent(new Event("scroll"));
} as Element["scrollTo"];

afterEach(() => {
  cleanup();
});
