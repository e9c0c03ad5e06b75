/**
 * The browser tab's title for a page; screen readers announce it on navigation.
 * React 19 hoists <title> into <head> from anywhere in the tree.
 */
export function PageTitle({ title }: { title: string }) {
  return <title>{`${title} · Whetstone`}</title>;
}
