import { useEffect } from "react";
import { useLocation } from "react-router";

/** Links such as /models/3#optimize or /jobs/9#deploy land on, and focus, that part of the page. */
export function useScrollToHash(ready: boolean) {
  const { hash } = useLocation();
  useEffect(() => {
    if (!ready || !hash) return;
    const target = document.getElementById(hash.slice(1));
    if (!target) return;
    // A folded report section (a <details>) opens when a link points into it.
    const folded = target.closest("details");
    if (folded) folded.open = true;
    target.scrollIntoView?.({ block: "start" });
    const focusable =
      target.querySelector<HTMLElement>("[data-autofocus]") ??
      target.querySelector<HTMLElement>("select, input, button, a") ??
      target;
    focusable.focus();
  }, [ready, hash]);
}

