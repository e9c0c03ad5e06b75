import { render } from "@testing-library/react";
import { Markdown, renderMarkdown } from "./Markdown";

describe("Markdown (model cards)", () => {
  it("renders headings, lists, tables and code", () => {
    const html = renderMarkdown("# ResNet\n\n- fast\n- small\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`x`");
    expect(html).toContain("<h1");
    expect(html).toContain("<li>fast</li>");
    expect(html).toContain("<table>");
    expect(html).toContain("<code>x</code>");
  });

  it("drops scripts, event handlers and javascript: links a card could carry", () => {
    const { container } = render(
      <Markdown
        source={'<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n\n[click](javascript:alert(3))\n\n<iframe src="https://evil"></iframe>'}
      />,
    );
    expect(container.querySelector("script")).toBeNull();
    expect(container.querySelector("iframe")).toBeNull();
    expect(container.querySelector("img")?.getAttribute("onerror")).toBeNull();
    const link = container.querySelector("a");
    expect(link?.getAttribute("href") ?? "").not.toContain("javascript:");
  });
});
